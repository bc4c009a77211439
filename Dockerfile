# locknode container image: a multi-stage Debian bookworm build.
#
#   build   - compiles locknode (Release) and the unit-test binaries, then runs
#             `ctest -L unit`; a failing unit test fails the image build.
#   runtime - debian:bookworm-slim with only the shared libraries the binary
#             links against, running as an unprivileged user.
#
# Build:  docker build -t locknode .        (podman: podman build --format docker -t locknode .)
# Run:    docker run -d -p 127.0.0.1:6379:6379 locknode [extra locknode flags...]
#
# --format docker matters for podman/buildah: the OCI image format has no HEALTHCHECK.
# Integration and compat tests need redis-cli / redis-server and run in CI, not here.

############################################################################################
FROM debian:bookworm AS build

# Parallel compile jobs; raise it on a bigger builder: --build-arg JOBS=8
ARG JOBS=2

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        cmake g++ make pkg-config \
        libboost1.81-dev libspdlog-dev libcli11-dev liblua5.1-0-dev libssl-dev liburing-dev \
        libhiredis-dev libxxhash-dev libgtest-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Whole tree minus what .dockerignore drops (.git, build dirs, node_modules, ...), so new
# source folders picked up by CMakeLists.txt need no Dockerfile change.
COPY . .

# Release build with the test suites configured; only locknode and the per-module unit-test
# binaries (locknode_<module>_tests) and the fuzz-corpus replays (locknode_fuzz_replay_<target>,
# label unit too) are compiled: integration/compat binaries are not needed.
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLOCKNODE_TESTS=ON -DLOCKNODE_BENCH=OFF \
 && unit_targets="$(cmake --build build --target help \
        | awk '/^\.\.\. locknode_([a-z]+_tests|fuzz_replay_[a-z_]+)$/ && $2 !~ /integration|diff/ {print $2}')" \
 && echo "unit test targets: ${unit_targets:-<none>}" \
 && cmake --build build -j"${JOBS}" --target locknode ${unit_targets}

# Unit tests only; --no-tests=error so an empty selection cannot pass silently.
RUN cd build && ctest -L unit --output-on-failure --no-tests=error -j"${JOBS}"

RUN strip --strip-unneeded build/locknode && ldd build/locknode

############################################################################################
FROM debian:bookworm-slim AS runtime-base

# Everything of the runtime image but the binary, which the last stage adds. (.ci/readme-blocks
# builds `--target runtime-base` and adds a binary built on the host, to exercise the README's
# container blocks in CI without the slow in-container compile.)

# Runtime shared libraries only (see `ldd locknode` in the build log): spdlog (+ fmt, pulled
# in by it), Lua 5.1, OpenSSL 3 (tls-port, SHA-256 of passwords) and hiredis (the
# `locknode lock` client). libstdc++6 / libgcc-s1 / libc6 are already in the base image.
# apt-get clean also drops /var/cache/apt/*.bin (~80 MB) on bases without docker-clean.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libspdlog1.10 libfmt9 liblua5.1-0 libssl3 liburing2 libhiredis0.14 libxxhash0 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log

# Unprivileged system user with a fixed numeric id (so `runAsNonRoot` can verify it).
RUN groupadd --system --gid 10001 locknode \
 && useradd --system --uid 10001 --gid locknode --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin locknode \
 && install -d -o 10001 -g 10001 -m 0700 /var/lib/locknode
# /var/lib/locknode: the restart-safety lease file (lease-file in conf/redlock/profile.conf).
# Mount a volume there so the watermark survives the container; a new named volume copies this
# directory's owner, so the unprivileged user can write it.
VOLUME /var/lib/locknode

# Container config: conf/docker.conf (bind 0.0.0.0, port 6379; everything else default).
COPY conf/docker.conf /etc/locknode/locknode.conf

USER 10001:10001
EXPOSE 6379

# Liveness without redis-cli: bash's /dev/tcp sends an inline PING and expects +PONG.
# -NOAUTH also counts as alive (the server answers, it just wants a password first).
# If you run on another port (--port N), set LOCKNODE_HEALTHCHECK_PORT=N as well.
ENV LOCKNODE_HEALTHCHECK_PORT=6379
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${LOCKNODE_HEALTHCHECK_PORT:-6379} && printf 'PING\\r\\n' >&3 && IFS= read -r -t 2 reply <&3 && [[ $reply == +PONG* || $reply == -NOAUTH* ]]"]

# locknode shuts down cleanly on SIGTERM (docker/podman stop).
STOPSIGNAL SIGTERM
# A Redlock node in a container must listen on all interfaces, not the 127.0.0.1 default:
# /etc/locknode/locknode.conf binds 0.0.0.0. Publish the port only where clients should reach
# it (e.g. -p 127.0.0.1:6379:6379). Authentication (requirepass) is a separate concern and is
# off by default: anyone who can reach the published port can take and release locks.
# The config file is part of the entrypoint, so arguments to `docker run IMAGE ...` are extra
# flags that override it (flags beat the file), e.g. `... IMAGE --requirepass "$PW"`; they do
# not silently drop the 0.0.0.0 bind. `... IMAGE --dump-config` prints the effective values.
ENTRYPOINT ["/usr/local/bin/locknode", "--config", "/etc/locknode/locknode.conf"]
CMD []

############################################################################################
FROM runtime-base AS runtime
COPY --from=build /src/build/locknode /usr/local/bin/locknode
