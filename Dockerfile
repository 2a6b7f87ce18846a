# Dockerfile: the falcon-container image. Its ENTRYPOINT is the task
# definition patcher (the product guide runs it with `docker run ... IMAGE
# -cid ... -ecs-spec-file ...`); it also carries the init program and the
# sensor payload that the patched init container copies into the task volume.
#
#   podman build -t falcon-container .        (docker build works the same)
#
# Both stages start from the same Debian release, so the patcher is built
# against exactly the libraries the final stage installs.
ARG BASE=docker.io/library/debian:bookworm-slim

FROM ${BASE} AS build
# The toolchain layer comes before the sources, so that a source change
# rebuilds only the `make` step.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	build-essential libcjson-dev libcurl4-openssl-dev libyaml-dev libseccomp-dev \
	libcap-ng-dev libssl-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make -j"$(nproc)" all payload

FROM ${BASE}
# Only what the dynamically linked patcher needs at run time; falcon-init and
# the payload bring everything of their own.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	libcjson1 libcurl4 libyaml-0-2 ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old \
	/var/log/apt /var/log/dpkg.log /var/log/alternatives.log
COPY --from=build /src/build/falcon-patcher /usr/bin/falcon-patcher
COPY --from=build /src/build/falcon-init /opt/CrowdStrike/falcon-init
COPY --from=build /src/build/payload/ /opt/CrowdStrike/payload/
ENTRYPOINT ["/usr/bin/falcon-patcher"]
