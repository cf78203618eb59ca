package emulator_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The default brand comes from blueprints/default/default-brand.yaml (its
// condition: no default brand yet), with the flows the entry names.
func TestDefaultBrandSeeded(t *testing.T) {
	e := newEnv(t)
	st, m := e.rawJSON(http.MethodGet, "/api/v3/core/brands/?domain=authentik-default", "")
	require.Equal(t, 200, st)
	res := m["results"].([]any)
	require.Len(t, res, 1)
	b := res[0].(map[string]any)
	assert.Equal(t, true, b["default"])
	assert.Equal(t, "authentik", b["branding_title"])
	assert.Equal(t, e.emu.FlowPK("default-authentication-flow"), b["flow_authentication"])
	assert.Equal(t, e.emu.FlowPK("default-invalidation-flow"), b["flow_invalidation"])
}

// BrandSerializer: domain has a plain UniqueValidator; validate() allows
// one default brand. Deleting a web certificate sets it null
// (on_delete=SET_DEFAULT, default None).
func TestBrandValidation(t *testing.T) {
	e := newEnv(t)
	col := "/api/v3/core/brands/"
	st, m := e.rawJSON(http.MethodPost, col, `{"domain":"authentik-default"}`)
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"domain": []any{"This field must be unique."}}, m)
	st, m = e.rawJSON(http.MethodPost, col, `{"domain":"corp.example.com","default":true}`)
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"default": []any{"Only a single brand can be set as default."}}, m)
	kp := e.emu.AddKeypair("web", "rsa", true)
	st, m = e.rawJSON(http.MethodPost, col, `{"domain":"corp.example.com","web_certificate":"`+kp+`","attributes":{"a":1}}`)
	require.Equal(t, 201, st, "%v", m)
	assert.Equal(t, kp, m["web_certificate"])
	pk := m["brand_uuid"].(string)
	st, _ = e.raw(http.MethodDelete, "/api/v3/crypto/certificatekeypairs/"+kp+"/", "")
	require.Equal(t, 204, st)
	_, m = e.rawJSON(http.MethodGet, col+pk+"/", "")
	assert.Nil(t, m["web_certificate"])
	assert.Equal(t, map[string]any{"a": 1.0}, m["attributes"])
}

// CertificateKeyPairViewSet.generate names the pair by its common name and
// answers 200; the import checks the PEM (validate_certificate_data,
// validate_key_data).
func TestKeypairGenerateAndImport(t *testing.T) {
	e := newEnv(t)
	col := "/api/v3/crypto/certificatekeypairs/"
	st, m := e.rawJSON(http.MethodPost, col+"generate/", `{"common_name":"gen.example.com","validity_days":30,"subject_alt_name":"a.example.com,b.example.com"}`)
	require.Equal(t, 200, st, "%v", m)
	assert.Equal(t, "gen.example.com", m["name"])
	assert.Equal(t, true, m["private_key_available"])
	st, m = e.rawJSON(http.MethodPost, col+"generate/", `{"common_name":"gen.example.com","validity_days":30}`)
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"common_name": []any{"This field must be unique."}}, m)

	st, m = e.rawJSON(http.MethodPost, col, `{"name":"bad","certificate_data":"nope"}`)
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"certificate_data": []any{"Unable to load certificate."}}, m)
	pemData, err := os.ReadFile("../../manifests/corp.pem")
	require.NoError(t, err)
	body := `{"name":"imported","certificate_data":` + quote(string(pemData)) + `,"key_data":"garbage"}`
	st, m = e.rawJSON(http.MethodPost, col, body)
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"key_data": []any{"Unable to load private key (possibly encrypted?)."}}, m)
	st, m = e.rawJSON(http.MethodPost, col, `{"name":"imported","certificate_data":`+quote(string(pemData))+`}`)
	require.Equal(t, 201, st, "%v", m)
	assert.Equal(t, false, m["private_key_available"])
	assert.Equal(t, "rsa", m["key_type"])
	assert.True(t, strings.Contains(m["cert_subject"].(string), "CN=corp.example.com"), m["cert_subject"])
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
