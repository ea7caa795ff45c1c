package com.sandboxbroker.service.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.logging.common.layout.DiscoverableLayoutFactory;
import io.dropwizard.logging.json.EventAttribute;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;
import java.util.EnumSet;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class JsonEventLayoutFactoryTest {
  private static final LoggerContext CONTEXT = new LoggerContext();
  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  /** Counts the stack walks logback does when asked for caller data it has not computed. */
  private static final class WatchedEvent extends LoggingEvent {
    int walks;

    WatchedEvent(Logger logger) {
      super(
          Logger.class.getName(),
          logger,
          Level.INFO,
          "{} {} {} -> {} {}",
          null,
          new Object[] {"allocate", "POST", "allocate", 201, "success"});
      setMDCPropertyMap(Map.of("request_id", "r-1", "outcome", "success", "status", "201"));
      setTimeStamp(1_764_500_000_123L);
    }

    @Override
    public StackTraceElement[] getCallerData() {
      if (!hasCallerData()) {
        walks++;
      }
      return super.getCallerData();
    }
  }

  /** The settings config.yml gives the console appender's layout. */
  private static <F extends EventJsonLayoutBaseFactory> F configured(F factory) {
    factory.setTimestampFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    factory.setIncludes(
        EnumSet.of(
            EventAttribute.TIMESTAMP,
            EventAttribute.LEVEL,
            EventAttribute.LOGGER_NAME,
            EventAttribute.MESSAGE,
            EventAttribute.MDC,
            EventAttribute.EXCEPTION));
    factory.setCustomFieldNames(Map.of("loggerName", "logger"));
    factory.setFlattenMdc(true);
    return factory;
  }

  private static String layOut(EventJsonLayoutBaseFactory factory, ILoggingEvent event) {
    LayoutBase<ILoggingEvent> layout = factory.build(CONTEXT, UTC);
    layout.start();
    return layout.doLayout(event);
  }

  @Test
  void writesWhatDropwizardsJsonLayoutWritesWithoutWalkingTheStack() {
    Logger logger = CONTEXT.getLogger("com.sandboxbroker.service.api");
    WatchedEvent dropwizards = new WatchedEvent(logger);
    WatchedEvent ours = new WatchedEvent(logger);

    String expected = layOut(configured(new EventJsonLayoutBaseFactory()), dropwizards);
    String written = layOut(configured(new JsonEventLayoutFactory()), ours);

    assertThat(written).isEqualTo(expected).contains("\"request_id\":\"r-1\"");
    assertThat(dropwizards.walks).as("Dropwizard's json layout walks the stack").isEqualTo(1);
    assertThat(ours.walks).isZero();
  }

  @Test
  void callerDataStillAppearsWhenIncluded() {
    JsonEventLayoutFactory factory = configured(new JsonEventLayoutFactory());
    EnumSet<EventAttribute> includes = EnumSet.copyOf(factory.getIncludes());
    includes.add(EventAttribute.CALLER_DATA);
    factory.setIncludes(includes);
    WatchedEvent event = new WatchedEvent(CONTEXT.getLogger("x"));
    event.setCallerData(
        new StackTraceElement[] {new StackTraceElement("com.example.Hook", "run", "Hook.java", 7)});

    assertThat(layOut(factory, event))
        .contains("\"caller_class_name\":\"com.example.Hook\"", "\"caller_line_number\":7");
  }

  @Test
  void configurationNamesItJsonEvent() throws Exception {
    ObjectMapper yaml = Jackson.newObjectMapper();

    assertThat(yaml.readValue("{\"type\": \"json-event\"}", DiscoverableLayoutFactory.class))
        .isInstanceOf(JsonEventLayoutFactory.class);
  }
}
