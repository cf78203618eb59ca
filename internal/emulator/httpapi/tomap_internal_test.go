package httpapi

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every emulator test checks each rendered object against the JSON round
// trip toMap replaces (see verifyToMap).
func init() { VerifyToMap = true }

func TestToMapMatchesJSONRoundTrip(t *testing.T) {
	type inner struct {
		A int32  `json:"a"`
		B string `json:"b,omitempty"`
	}
	type outer struct {
		inner
		B     string            `json:"b"` // shadows inner.B
		P     *int32            `json:"p"`
		L     []string          `json:"l"`
		N     []int             `json:"n"`
		M     map[string]any    `json:"m"`
		R     json.RawMessage   `json:"r"`
		E     json.RawMessage   `json:"e"`
		Num   json.Number       `json:"num"`
		F     float64           `json:"f"`
		O     *inner            `json:"o,omitempty"`
		Skip  string            `json:"-"`
		S     map[string]string `json:"s"`
		Bytes []byte            `json:"bytes"`
	}
	seven := int32(7)
	v := outer{inner: inner{A: 1, B: "x"}, B: "y", P: &seven, L: []string{"a"}, M: map[string]any{"k": []any{1, "2", nil, json.Number("3")}},
		R: json.RawMessage(`{"z":[1.5,true]}`), Num: "12", F: 0.1, S: map[string]string{"a": "b"}, Bytes: []byte("hi")}
	assert.Equal(t, ToMapJSON(v), ToMap(v))
	assert.Equal(t, ToMapJSON(outer{}), ToMap(outer{}))
}
