package com.sandboxbroker.cdk;

/**
 * @param topicName physical SNS topic name
 * @param email optional e-mail subscription (null: subscribe people or a pager later)
 */
public record AlarmTopicProps(String topicName, String email) {}
