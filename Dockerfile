# Multi-stage build: compile in the Rust image, ship a slim Debian with the binary only.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY assets assets
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data proofroom \
    && mkdir -p /data && chown proofroom /data
COPY --from=build /src/target/release/proofroom /usr/local/bin/proofroom
USER proofroom
ENV PROOFROOM_DATA=/data \
    PROOFROOM_LISTEN=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["proofroom", "healthcheck"]
ENTRYPOINT ["proofroom"]
CMD ["serve"]
