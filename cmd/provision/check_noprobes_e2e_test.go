package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A preset without client probes (oidc) says so as an informational client
// item (issue 14), in text and JSON, instead of an empty client section.
func TestCheckPresetWithoutProbesSaysSo(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	_, path := writeOutputsManifest(t, `version: 1
providers:
  - name: Generic
    type: oauth2
applications:
  - name: Generic
    slug: generic
    provider: Generic
    outputs:
      oidc:
        url: https://app.example.com
        callback_path: /cb
        file: generic.env
        vars: {ISS: issuer, CID: client_id}
`)
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)

	r := c.run("check", "-f", path, "--app", "generic")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Regexp(t, `· client app +no client probes for preset "oidc"`, r.out)

	r = c.run("check", "-f", path, "--app", "generic", "-o", "json")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	var doc struct {
		Items []struct{ Side, Status, Detail string } `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &doc), r.out)
	var client []string
	for _, it := range doc.Items {
		if it.Side == "client" {
			client = append(client, it.Status+": "+it.Detail)
		}
	}
	require.Len(t, client, 1, r.out)
	assert.Contains(t, client[0], `info: no client probes for preset "oidc"`)
}
