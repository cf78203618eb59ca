package emulator_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
)

// The Duo, email and SMS setup stages and the user delete stage: the
// model's defaults, authentik's names, and what the answer shows of the
// secrets (AuthenticatorDuoStageSerializer: client_secret and
// admin_secret_key write_only; the SMS and email serializers show theirs).
func TestMoreStageTypes(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		path, body, verbose, plural, meta string
		want                              map[string]any
		hidden                            []string
	}{
		{"stages/authenticator/duo/", `{"name":"duo","client_id":"DI","client_secret":"s1","api_hostname":"api-x.duosecurity.com","admin_secret_key":"s2"}`,
			"Duo Authenticator Setup Stage", "Duo Authenticator Setup Stages", "authentik_stages_authenticator_duo.authenticatorduostage",
			map[string]any{"admin_integration_key": "", "friendly_name": "", "configure_flow": nil},
			[]string{"client_secret", "admin_secret_key"}},
		{"stages/authenticator/email/", `{"name":"mail","password":"p"}`,
			"Email Authenticator Setup Stage", "Email Authenticator Setup Stages", "authentik_stages_authenticator_email.authenticatoremailstage",
			map[string]any{"subject": "authentik Sign-in code", "template": "email/email_otp.html", "token_expiry": "minutes=30",
				"port": float64(25), "password": "p"}, nil},
		{"stages/authenticator/sms/", `{"name":"sms","provider":"twilio","from_number":"+1555","account_sid":"AC1","auth":"tok"}`,
			"SMS Authenticator Setup Stage", "SMS Authenticator Setup Stages", "authentik_stages_authenticator_sms.authenticatorsmsstage",
			map[string]any{"auth_type": "basic", "auth_password": "", "verify_only": false, "mapping": nil, "auth": "tok"}, nil},
		{"stages/user_delete/", `{"name":"del"}`,
			"User Delete Stage", "User Delete Stages", "authentik_stages_user_delete.userdeletestage", nil, nil},
	}
	for _, tc := range cases {
		st, m := e.rawJSON(http.MethodPost, "/api/v3/"+tc.path, tc.body)
		require.Equal(t, http.StatusCreated, st, "%s: %v", tc.path, m)
		assert.Equal(t, tc.verbose, m["verbose_name"], tc.path)
		assert.Equal(t, tc.plural, m["verbose_name_plural"], tc.path)
		assert.Equal(t, tc.meta, m["meta_model_name"], tc.path)
		for k, v := range tc.want {
			assert.Equal(t, v, m[k], "%s %s", tc.path, k)
		}
		for _, k := range tc.hidden {
			assert.NotContains(t, m, k, tc.path)
		}
	}
	st, body := e.raw(http.MethodPost, "/api/v3/stages/authenticator/sms/", `{"name":"sms2","provider":"carrier-pigeon","from_number":"+1","account_sid":"a","auth":"t"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, `\"carrier-pigeon\" is not a valid choice.`)
	st, body = e.raw(http.MethodPost, "/api/v3/stages/authenticator/duo/", `{"name":"duo2","client_id":"DI","api_hostname":"h"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "client_secret")
	// Stage names are unique across every type.
	st, body = e.raw(http.MethodPost, "/api/v3/stages/user_delete/", `{"name":"duo"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "stage with this name already exists.")
}

// The source and mutual TLS stages are enterprise (EnterpriseRequiredMixin,
// authentik/enterprise/api.py): refused on a fresh install, accepted with a
// license (Options.Enterprise).
func TestEnterpriseStagesNeedALicense(t *testing.T) {
	e := newEnv(t)
	st, m := e.rawJSON(http.MethodPost, "/api/v3/sources/oauth/", `{"name":"GitHub","slug":"github","provider_type":"github","consumer_key":"k","consumer_secret":"s"}`)
	require.Equal(t, http.StatusCreated, st, "%v", m)
	for _, tc := range []struct{ path, body string }{
		{"stages/source/", `{"name":"s","source":"` + m["pk"].(string) + `"}`},
		{"stages/mtls/", `{"name":"m","mode":"required","cert_attribute":"common_name","user_attribute":"username"}`},
		{"policies/unique_password/", `{"name":"u"}`},
	} {
		st, body := e.raw(http.MethodPost, "/api/v3/"+tc.path, tc.body)
		assert.Equal(t, http.StatusBadRequest, st, tc.path)
		assert.Contains(t, body, "Enterprise is required to create/update this object.", tc.path)
	}
}

// SourceStageSerializer.validate_source takes a source with a login
// button only (OAuth, SAML; not LDAP), and the stage goes with its source
// (on_delete=CASCADE), bindings and all.
func TestSourceStage(t *testing.T) {
	srv, emu := newTestServer(t, emulator.Options{Enterprise: true})
	e := &env{t: t, srv: srv, emu: emu, c: newClient(srv, emu.Token()), ctx: context.Background()}
	st, oauth := e.rawJSON(http.MethodPost, "/api/v3/sources/oauth/", `{"name":"GitHub","slug":"github","provider_type":"github","consumer_key":"k","consumer_secret":"s"}`)
	require.Equal(t, http.StatusCreated, st, "%v", oauth)
	st, ldap := e.rawJSON(http.MethodPost, "/api/v3/sources/ldap/", `{"name":"dir","slug":"dir","server_uri":"ldaps://dc","base_dn":"dc=corp"}`)
	require.Equal(t, http.StatusCreated, st, "%v", ldap)

	st, body := e.raw(http.MethodPost, "/api/v3/stages/source/", `{"name":"s","source":"`+ldap["pk"].(string)+`"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.JSONEq(t, `{"source":["Invalid source selected, only web-based sources are supported."]}`, body)

	st, stage := e.rawJSON(http.MethodPost, "/api/v3/stages/source/", `{"name":"s","source":"`+oauth["pk"].(string)+`"}`)
	require.Equal(t, http.StatusCreated, st, "%v", stage)
	assert.Equal(t, "minutes=10", stage["resume_timeout"])
	assert.Equal(t, "Source Stages", stage["verbose_name_plural"])
	st, flow := e.rawJSON(http.MethodPost, "/api/v3/flows/instances/", `{"name":"f","slug":"f","title":"f","designation":"authentication"}`)
	require.Equal(t, http.StatusCreated, st, "%v", flow)
	st, _ = e.rawJSON(http.MethodPost, "/api/v3/flows/bindings/", `{"target":"`+flow["pk"].(string)+`","stage":"`+stage["pk"].(string)+`","order":10}`)
	require.Equal(t, http.StatusCreated, st)

	st, _ = e.raw(http.MethodDelete, "/api/v3/sources/oauth/github/", "")
	require.Equal(t, http.StatusNoContent, st)
	st, _ = e.raw(http.MethodGet, "/api/v3/stages/source/"+stage["pk"].(string)+"/", "")
	assert.Equal(t, http.StatusNotFound, st, "the stage goes with its source")
	st, list := e.rawJSON(http.MethodGet, "/api/v3/flows/bindings/?target="+flow["pk"].(string), "")
	require.Equal(t, http.StatusOK, st)
	assert.Empty(t, list["results"], "and its binding with it")
}

// A mutual TLS stage names its certificate authorities (M2M to
// CertificateKeyPair); a deleted keypair leaves the list.
func TestMutualTLSStage(t *testing.T) {
	srv, emu := newTestServer(t, emulator.Options{Enterprise: true})
	e := &env{t: t, srv: srv, emu: emu, c: newClient(srv, emu.Token()), ctx: context.Background()}
	st, kp := e.rawJSON(http.MethodPost, "/api/v3/crypto/certificatekeypairs/generate/", `{"common_name":"ca.example.com","validity_days":30}`)
	require.Equal(t, http.StatusOK, st, "%v", kp)
	ca := kp["pk"].(string)
	st, body := e.raw(http.MethodPost, "/api/v3/stages/mtls/", `{"name":"m","mode":"sometimes","cert_attribute":"common_name","user_attribute":"username"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, `\"sometimes\" is not a valid choice.`)
	st, m := e.rawJSON(http.MethodPost, "/api/v3/stages/mtls/", `{"name":"m","mode":"required","cert_attribute":"common_name","user_attribute":"username","certificate_authorities":["`+ca+`"]}`)
	require.Equal(t, http.StatusCreated, st, "%v", m)
	assert.Equal(t, []any{ca}, m["certificate_authorities"])
	assert.Equal(t, "authentik_stages_mtls.mutualtlsstage", m["meta_model_name"])
	assert.Equal(t, "Mutual TLS Stages", m["verbose_name_plural"])

	st, _ = e.raw(http.MethodDelete, "/api/v3/crypto/certificatekeypairs/"+ca+"/", "")
	require.Equal(t, http.StatusNoContent, st)
	st, m = e.rawJSON(http.MethodGet, "/api/v3/stages/mtls/"+m["pk"].(string)+"/", "")
	require.Equal(t, http.StatusOK, st)
	assert.Equal(t, []any{}, m["certificate_authorities"])
}
