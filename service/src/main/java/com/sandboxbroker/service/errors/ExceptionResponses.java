package com.sandboxbroker.service.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The API's exception mappers, in one list for Jersey (which registers each) and for the answers
 * written outside Jersey ({@link #toResponse}), so an exception maps to the same status, code and
 * body on both paths.
 */
public final class ExceptionResponses {
  private record Handler(Class<?> type, ExceptionMapper<Throwable> mapper) {}

  private final List<ExceptionMapper<?>> mappers;
  private final List<Handler> handlers;

  private ExceptionResponses(List<ExceptionMapper<?>> mappers) {
    this.mappers = List.copyOf(mappers);
    this.handlers = mappers.stream().map(ExceptionResponses::handler).toList();
  }

  /** Every mapper of the API: the domain's, JAX-RS refusals, AWS SDK failures, the unexpected. */
  public static ExceptionResponses standard() {
    List<ExceptionMapper<?>> all = new ArrayList<>(DomainExceptionMappers.all());
    all.add(new WebApplicationExceptionMapper());
    all.add(new SdkExceptionMapper());
    all.add(new UnexpectedExceptionMapper());
    return new ExceptionResponses(all);
  }

  public List<ExceptionMapper<?>> mappers() {
    return mappers;
  }

  /** As Jersey picks: the mapper of the nearest superclass of {@code e}'s class. */
  public Response toResponse(Throwable e) {
    Handler best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Handler h : handlers) {
      int d = distance(e.getClass(), h.type());
      if (d < bestDistance) {
        best = h;
        bestDistance = d;
      }
    }
    if (best == null) {
      throw new IllegalStateException("no mapper for " + e.getClass().getName(), e);
    }
    return best.mapper().toResponse(e);
  }

  private static int distance(Class<?> thrown, Class<?> handled) {
    int d = 0;
    for (Class<?> c = thrown; c != null; c = c.getSuperclass(), d++) {
      if (c == handled) {
        return d;
      }
    }
    return Integer.MAX_VALUE;
  }

  @SuppressWarnings("unchecked")
  private static Handler handler(ExceptionMapper<?> mapper) {
    for (Type t : mapper.getClass().getGenericInterfaces()) {
      if (t instanceof ParameterizedType p && p.getRawType() == ExceptionMapper.class) {
        return new Handler(
            (Class<?>) p.getActualTypeArguments()[0], (ExceptionMapper<Throwable>) mapper);
      }
    }
    throw new IllegalArgumentException(
        mapper.getClass().getName() + " does not implement ExceptionMapper<T> directly");
  }
}
