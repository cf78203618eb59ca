package dotenv

import (
	"strings"
	"testing"
)

func TestCheckValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key, value string
		reason     string // "" when accepted
	}{
		{"OPENID_SCOPE", "openid profile email", ""},
		{"OPENID_ISSUER", "https://auth.example.com/application/o/librechat/.well-known/openid-configuration", ""},
		{"OPENID_BUTTON_LABEL", "Login with Authentik", ""},
		{"OPENID_CLIENT_ID", "", ""},
		{"OPENID_AUDIENCE", `it's "fine" inside`, ""},
		{"OPENID_BUTTON_LABEL", "Anmelden über SSO", ""},
		{"K", "ends with a quote'", ""},
		{"_K1", "a=b:c", ""},
		{"OPENID_CLIENT_SECRET", "abc#def", "'#'"},
		{"OPENID_CLIENT_SECRET", "abc$def", "'$'"},
		{"OPENID_SCOPE", " openid", "whitespace"},
		{"OPENID_SCOPE", "openid ", "whitespace"},
		{"OPENID_SCOPE", "openid\u00a0", "whitespace"},
		{"OPENID_SCOPE", "\ufeffopenid", "whitespace"},
		{"OPENID_SCOPE", `"openid profile email"`, "quote"},
		{"OPENID_SCOPE", "'openid'", "quote"},
		{"OPENID_SCOPE", "`openid`", "quote"},
		{"OPENID_SCOPE", `"openid`, "quote"},
		{"OPENID_SCOPE", "a\nb", "line break"},
		{"OPENID_SCOPE", "a\rb", "line break"},
		{"OPENID_SCOPE", "a\u2028b", "line separator"},
		{"OPENID_SCOPE", "a\tb", "control character"},
		{"OPENID_SCOPE", "a\x00b", "control character"},
		{"OPENID_SCOPE", "a\xffb", "UTF-8"},
		{"1KEY", "x", "not a valid .env key"},
		{"OPENID-SCOPE", "x", "not a valid .env key"},
		{"", "x", "not a valid .env key"},
		{"__proto__", "x", "dotenv drops it"},
	}
	for _, tt := range tests {
		err := CheckValue(tt.key, tt.value)
		switch {
		case tt.reason == "" && err != nil:
			t.Errorf("CheckValue(%q, %q) = %v, want nil", tt.key, tt.value, err)
		case tt.reason != "" && err == nil:
			t.Errorf("CheckValue(%q, %q) = nil, want an error about %s", tt.key, tt.value, tt.reason)
		case err != nil:
			msg := err.Error()
			if !strings.Contains(msg, tt.reason) || !strings.Contains(msg, tt.key) {
				t.Errorf("CheckValue(%q, %q) = %q, want the key and %q", tt.key, tt.value, msg, tt.reason)
			}
			if tt.value != "" && strings.Contains(msg, tt.value) && tt.value != "x" {
				t.Errorf("CheckValue(%q, ...) = %q: the error shows the value", tt.key, msg)
			}
		}
	}
}

func TestVarStringRedactsSecrets(t *testing.T) {
	t.Parallel()
	if s := (Var{Key: "A", Value: "v"}).String(); s != "A=v" {
		t.Errorf("String = %q", s)
	}
	if s := (Var{Key: "S", Value: "hunter2", Secret: true}).String(); strings.Contains(s, "hunter2") {
		t.Errorf("String = %q shows the secret", s)
	}
}
