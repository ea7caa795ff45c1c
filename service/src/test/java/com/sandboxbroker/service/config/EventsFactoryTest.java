package com.sandboxbroker.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.jackson.Jackson;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who reads the table's stream: the service in local mode unless told otherwise. */
class EventsFactoryTest {

  @Test
  void unsetTheFeedRunsInLocalModeOnly() {
    EventsFactory events = events(Map.of());
    assertThat(events.localFeed(true)).isTrue();
    assertThat(events.localFeed(false)).isFalse();
  }

  @Test
  void falseTurnsTheFeedOffInLocalModeAsDeployed() {
    EventsFactory events = events(Map.of("localFeed", false));
    assertThat(events.localFeed(true)).isFalse();
    assertThat(events.localFeed(false)).isFalse();
  }

  @Test
  void trueTurnsTheFeedOnOutsideLocalMode() {
    EventsFactory events = events(Map.of("localFeed", true));
    assertThat(events.localFeed(false)).isTrue();
    assertThat(events.localFeed(true)).isTrue();
  }

  private static EventsFactory events(Map<String, Object> yaml) {
    return Jackson.newObjectMapper().convertValue(yaml, EventsFactory.class);
  }
}
