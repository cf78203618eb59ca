package render

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/checklist"
)

func TestChecklistMarksEveryStatus(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, Checklist(&b, []checklist.Item{
		{Name: "a", Status: checklist.Pass}, {Name: "b", Status: checklist.Warn}, {Name: "c", Status: checklist.Fail}, {Name: "d", Status: checklist.Info, Detail: "no client probes"},
	}, false))
	assert.Equal(t, "  ✓ a"+pad(41)+" \n  ! b"+pad(41)+" \n  ✗ c"+pad(41)+" \n  · d"+pad(41)+" no client probes\n", b.String())
}

func pad(n int) string { return string(bytes.Repeat([]byte{' '}, n)) }

func TestChecklistJSON(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, ChecklistJSON(&b, "chat", []ChecklistSide{
		{Side: "authentik", Items: []checklist.Item{{Name: "issuer", Status: checklist.Pass, Detail: "x"}}},
		{Side: "client", Items: []checklist.Item{{Name: "LibreChat: answers", Status: checklist.Warn}, {Name: "LibreChat: PKCE", Status: checklist.Info}}},
	}))
	var got map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &got))
	assert.Equal(t, map[string]any{"app": "chat", "failed": false, "items": []any{
		map[string]any{"side": "authentik", "name": "issuer", "status": "ok", "detail": "x"},
		map[string]any{"side": "client", "name": "LibreChat: answers", "status": "warn", "detail": ""},
		map[string]any{"side": "client", "name": "LibreChat: PKCE", "status": "info", "detail": ""},
	}}, got)

	b.Reset()
	require.NoError(t, ChecklistJSON(&b, "chat", []ChecklistSide{{Side: "client", Items: []checklist.Item{{Name: "x", Status: checklist.Fail}}}}))
	assert.Contains(t, b.String(), `"failed": true`)
	assert.Contains(t, b.String(), `"status": "fail"`)
}
