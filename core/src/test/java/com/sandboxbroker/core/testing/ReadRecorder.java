package com.sandboxbroker.core.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * An SDK interceptor that records what DynamoDB returned: every item of every Query, Scan and
 * GetItem response, the items a {@code Select=COUNT} query counted, and how many Scans were sent.
 * It sees the real responses, so a test can say which items a code path actually read.
 */
public final class ReadRecorder implements ExecutionInterceptor {
  private final List<Map<String, AttributeValue>> items =
      Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong scans = new AtomicLong();
  private final AtomicLong counted = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private volatile boolean recording = true;

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (!recording) {
      return;
    }
    requests.incrementAndGet();
    if (context.request() instanceof ScanRequest) {
      scans.incrementAndGet();
    }
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (!recording) {
      return;
    }
    if (context.response() instanceof QueryResponse q) {
      if (q.hasItems()) {
        items.addAll(q.items());
      } else {
        counted.addAndGet(q.count());
      }
    } else if (context.response() instanceof ScanResponse s) {
      items.addAll(s.items());
    } else if (context.response() instanceof GetItemResponse g
        && g.hasItem()
        && !g.item().isEmpty()) {
      items.add(g.item());
    }
  }

  /** Forget everything recorded so far and record from now on. */
  public void reset() {
    items.clear();
    scans.set(0);
    counted.set(0);
    requests.set(0);
    recording = true;
  }

  public void pause() {
    recording = false;
  }

  public List<Map<String, AttributeValue>> items() {
    synchronized (items) {
      return List.copyOf(items);
    }
  }

  public long scans() {
    return scans.get();
  }

  /** Items counted by {@code Select=COUNT} queries (read by DynamoDB, not returned). */
  public long counted() {
    return counted.get();
  }

  public long requests() {
    return requests.get();
  }
}
