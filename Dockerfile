# One image per service, chosen by MODULE:
#
#   docker build --build-arg MODULE=cache-service -t distpatterns/cache-service .
#
# docker-compose.yml builds every service this way. The build stage does not depend on MODULE, so the
# images of all services share it: Maven runs once, each image then takes its own jar.

ARG JAVA_VERSION=25

# --- build: every application jar, with the project's Maven Wrapper ----------------------------------
FROM eclipse-temurin:${JAVA_VERSION}-jdk AS build
WORKDIR /workspace
# .dockerignore keeps target/, .git, docs and the like out, so only a change to the code or a pom
# invalidates this stage.
COPY . .
# Maven 3.9's Guice warns about sun.misc.Unsafe on JDK 24+; the property quiets it (older JDKs ignore it).
ENV MAVEN_OPTS="-Dsun.misc.unsafe.memory.access=allow"
# The cache mount keeps Maven and the downloaded dependencies between builds without putting them in a
# layer. Tests run in CI, not here; the k8s module only holds the manifests' validation test.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw --batch-mode --no-transfer-progress --quiet -Dmaven.test.skip=true -pl '!k8s' package

# --- extract: one module's jar split into Spring Boot's layers --------------------------------------
FROM build AS extract
ARG MODULE
RUN test -n "${MODULE}" || { echo 'Pass --build-arg MODULE=<module>, e.g. MODULE=cache-service' >&2; exit 1; }; \
    jar=$(ls "${MODULE}"/target/"${MODULE}"-*.jar 2>/dev/null) \
      && jar tf "$jar" | grep -qx 'BOOT-INF/layers.idx' \
      || { echo "Module '${MODULE}' builds no Spring Boot application jar" >&2; exit 1; }; \
    java -Djarmode=tools -jar "$jar" extract --layers --destination /layers --application-filename app.jar

# --- runtime: a JRE, a non-root user, the layers from least to most often changed -------------------
FROM eclipse-temurin:${JAVA_VERSION}-jre
# curl serves the compose healthchecks; the user owns nothing but /data (consensus-service's log and
# snapshots live there). Both come before ARG MODULE so every service's image shares this layer.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 app \
    && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && mkdir /data && chown 10001:10001 /data
ARG MODULE
LABEL org.opencontainers.image.title="${MODULE}"
WORKDIR /app
# A code change rebuilds only the last of these layers; a dependency upgrade, the first.
COPY --from=extract /layers/dependencies/ ./
COPY --from=extract /layers/spring-boot-loader/ ./
COPY --from=extract /layers/snapshot-dependencies/ ./
COPY --from=extract /layers/application/ ./
# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
# In a container every log line is one JSON object (Elastic Common Schema, with traceId and spanId inside a traced
# request), for a log collector to parse; scripts/run-local.sh runs the jars directly and keeps plain text.
ENV LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs
# The heap follows the container's memory limit; JAVA_TOOL_OPTIONS adds to these at run time.
# The last two let Netty and the JDK 24+ native-access checks run without warnings we cannot fix.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError", \
            "-Dsun.misc.unsafe.memory.access=allow", "--enable-native-access=ALL-UNNAMED", \
            "-jar", "app.jar"]
