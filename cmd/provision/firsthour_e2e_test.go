package main

// Issue 32, "the first hour": what a newcomer saw, each mistake made on
// purpose, and what provision says now.

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Point 1: a shape mistake is the field, what it takes and the fix, at the
// value's line and column; it was "cannot unmarshal !!str … into
// manifest.RedirectURI" at column 1.
func TestFirstHourShapeErrorsSpeakManifest(t *testing.T) {
	c := newCLI(t)
	path := writeManifest(t, `version: 1
providers:
  - name: X
    type: oauth2
    redirect_uris: [https://x.example.com/cb]
`)
	r := c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "Error: "+path+`:5:21: redirect_uris: each item is {url: …, matching_mode: strict|regex}, not "https://x.example.com/cb"; write: - url: https://x.example.com/cb`+"\n", r.err)
	assert.NotRegexp(t, `manifest\.|unmarshal|!!|\[\]string`, r.err)
}
