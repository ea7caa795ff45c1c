# syntax=docker/dockerfile:1.19@sha256:b6afd42430b15f2d2a4c5a02b919e98a525b785b1aaff16747d2f623364e39b6
# One Dockerfile, two images (design §2): `--target service` and `--target jobs-runner`, both for
# linux/arm64 (Fargate Graviton). The pipeline builds them on native arm64 runners and pushes them
# to the project's ECR repositories; a workstation deploy builds them as CDK assets.
#
# Every image here is pinned by tag AND digest: the digest decides what is pulled, the tag says
# what it is. The digests are the multi-arch index digests of those tags as Renovate pinned them
# in public repositories (found by code search on 2026-11-29; these build machines cannot reach a
# container registry). Bump tag and digest together, taking the digest from
# `docker buildx imagetools inspect <image>:<tag>` (the "Digest:" line of the index).

# ---- build: the shaded jars --------------------------------------------------------------------
# Maven 3.9.11 on Temurin 17: the Maven line and the JDK the build is verified with (toolchain.md);
# a full version tag, not `latest`/`17`, so a rebuild months later compiles with the same toolchain.
# --platform=$BUILDPLATFORM: the build stage runs on the builder's own architecture (bytecode is
# the same on every platform), never under QEMU emulation when an x86 machine builds the arm64 images.
FROM --platform=$BUILDPLATFORM maven:3.9.11-eclipse-temurin-17@sha256:e4a7ace3dc0d645ed97f8d9ad0b0d3f0b14fa8d150138f27f116d7105a639b82 AS build
WORKDIR /src
# The whole context, which .dockerignore narrows to an allow-list: the poms (the parent lists
# every module and Maven reads them all even when it builds two), the main sources of core,
# service and jobs-runner, and config.yml. A docs, bench, runbook or cdk-app change therefore
# neither reaches the image nor changes the CDK asset hash, so it does not roll the API.
COPY . .
# The cache mount keeps ~/.m2 between builds without baking it into a layer.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl service,jobs-runner -am -DskipTests package

# ---- runtime base: JRE only, non-root ----------------------------------------------------------
# Temurin 17.0.15+6 JRE on Ubuntu 24.04 (noble): the same JDK feature release the jars are
# compiled for (release 17), JRE only (no compiler, no Maven) to keep the attack surface and the
# image small; a full version tag so security updates are a deliberate, reviewed bump.
FROM eclipse-temurin:17.0.15_6-jre-noble@sha256:8e90405bb240121ab38c76aa9e74627d4bd194a12dcc2ec13bd7ce1917f6d2fb AS runtime
RUN groupadd --system --gid 10001 broker \
 && useradd --system --uid 10001 --gid broker --no-create-home --shell /usr/sbin/nologin broker
WORKDIR /app

# ---- jobs-runner: `jobs-runner <sync|cleanup|expiry>`; the state machine passes the job name ---
FROM runtime AS jobs-runner
COPY --from=build /src/jobs-runner/target/jobs-runner-1.0.0-SNAPSHOT-all.jar /app/jobs-runner.jar
USER 10001:10001
# 75 % of the task's memory for the heap: the rest is metaspace, threads and the TLS stack.
# Exit on OOM so ECS sees a failed task instead of a JVM limping on.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/jobs-runner.jar"]

# ---- service (last, so a plain `docker build .` gives the API image) ---------------------------
FROM runtime AS service
COPY --from=build /src/service/target/service-1.0.0-SNAPSHOT-all.jar /app/service.jar
COPY config.yml /app/config.yml
USER 10001:10001
# 8080 application (ALB target), 8081 admin (metrics; never registered with the ALB)
EXPOSE 8080 8081
# bash's /dev/tcp, because the JRE image has no curl; the ECS task definition runs the same probe
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/service.jar", "server", "/app/config.yml"]
