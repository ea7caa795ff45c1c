package com.sandboxbroker.jobs;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The providers' HTTP client, counting every completed response (any status) as a step of the run.
 * Done here, in the composition root, so the providers in core stay unaware of Step Functions.
 * Cancelling a returned future cancels the exchange, as the providers' deadlines rely on.
 */
final class ProgressReportingHttpClient extends HttpClient {
  private final HttpClient delegate;
  private final Runnable step;

  ProgressReportingHttpClient(HttpClient delegate, Runnable step) {
    this.delegate = delegate;
    this.step = step;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    HttpResponse<T> response = delegate.send(request, handler);
    step.run();
    return response;
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return observed(delegate.sendAsync(request, handler));
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> push) {
    return observed(delegate.sendAsync(request, handler, push));
  }

  private <T> CompletableFuture<HttpResponse<T>> observed(
      CompletableFuture<HttpResponse<T>> exchange) {
    CompletableFuture<HttpResponse<T>> result =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            exchange.cancel(
                mayInterruptIfRunning); // a dependent future would not abort the exchange
            return super.cancel(mayInterruptIfRunning);
          }
        };
    exchange.whenComplete(
        (response, error) -> {
          if (error != null) {
            result.completeExceptionally(
                error instanceof CompletionException && error.getCause() != null
                    ? error.getCause()
                    : error);
          } else {
            step.run();
            result.complete(response);
          }
        });
    return result;
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }
}
