# syntax=docker/dockerfile:1
# A static provision binary on a distroless base, running as a non-root user.
#   docker build -t provision .
#   docker run --rm -e AUTHENTIK_URL -e AUTHENTIK_TOKEN -v "$PWD:/work" -w /work provision plan -f manifest.yaml
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The build context has no .git (see .dockerignore), so pass the version in:
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/provision ./cmd/provision

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/provision /usr/local/bin/provision
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/provision"]
