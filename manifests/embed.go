// Package manifests holds the example manifests. The LibreChat one is also
// built into the binary for "provision demo".
package manifests

import _ "embed"

// LibreChat is manifests/librechat.yaml.
//
//go:embed librechat.yaml
var LibreChat []byte
