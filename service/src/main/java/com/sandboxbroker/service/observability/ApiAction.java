package com.sandboxbroker.service.observability;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the API action a resource method performs, for the one structured log event and the metrics
 * each request produces ({@link ApiEventFilter}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ApiAction {
  String value();
}
