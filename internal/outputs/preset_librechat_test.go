package outputs

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/provision/provision/internal/dotenv"
)

func lcBaseInput() lcInput {
	return lcInput{
		AuthentikURL:  "https://auth.example.com/",
		Slug:          "librechat",
		ClientID:      "cid",
		ClientSecret:  "csecret",
		SessionSecret: strings.Repeat("ab", 32),
		Scopes:        []string{"openid", "profile", "email"},
		DomainClient:  "https://chat.example.com",
		DomainServer:  "https://chat.example.com",
	}
}

func TestLibreChatVars(t *testing.T) {
	t.Parallel()
	in := lcBaseInput()
	in.Extra = map[string]string{"OPENID_USE_END_SESSION_ENDPOINT": "true", "OPENID_GENERATE_NONCE": "true"}
	vars, err := lcVars(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []dotenv.Var{
		{Key: "ALLOW_SOCIAL_LOGIN", Value: "true"},
		{Key: "DOMAIN_CLIENT", Value: "https://chat.example.com"},
		{Key: "DOMAIN_SERVER", Value: "https://chat.example.com"},
		{Key: "OPENID_ISSUER", Value: "https://auth.example.com/application/o/librechat/.well-known/openid-configuration"},
		{Key: "OPENID_CLIENT_ID", Value: "cid"},
		{Key: "OPENID_CLIENT_SECRET", Value: "csecret", Secret: true},
		{Key: "OPENID_SESSION_SECRET", Value: strings.Repeat("ab", 32), Secret: true},
		{Key: "OPENID_CALLBACK_URL", Value: "/oauth/openid/callback"},
		{Key: "OPENID_SCOPE", Value: "openid profile email"},
		{Key: "OPENID_BUTTON_LABEL", Value: lcDefaultButtonLabel},
		{Key: "OPENID_IMAGE_URL", Value: lcDefaultImageURL},
		{Key: "OPENID_GENERATE_NONCE", Value: "true"},
		{Key: "OPENID_USE_END_SESSION_ENDPOINT", Value: "true"},
	}
	if len(vars) != len(want) {
		t.Fatalf("got %d vars, want %d: %v", len(vars), len(want), vars)
	}
	for i := range want {
		if vars[i] != want[i] {
			t.Errorf("var %d = %+v, want %+v", i, vars[i], want[i])
		}
		if err := dotenv.CheckValue(vars[i].Key, vars[i].Value); err != nil {
			t.Error(err)
		}
	}
}

func TestLibreChatVarsOptionalFields(t *testing.T) {
	t.Parallel()
	in := lcBaseInput()
	in.DomainClient, in.DomainServer = "", ""
	in.ButtonLabel, in.ImageURL = "Sign in", "https://example.com/i.png?v=2"
	in.AuthentikURL = "https://example.com/auth"
	in.ClientSecret = ""
	in.Extra = map[string]string{"OPENID_USE_PKCE": "true"}
	vars, err := lcVars(in)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range vars {
		got[v.Key] = v.Value
	}
	if _, ok := got["DOMAIN_CLIENT"]; ok {
		t.Error("DOMAIN_CLIENT written though not given")
	}
	if _, ok := got["DOMAIN_SERVER"]; ok {
		t.Error("DOMAIN_SERVER written though not given")
	}
	for k, v := range map[string]string{
		"OPENID_BUTTON_LABEL":  "Sign in",
		"OPENID_IMAGE_URL":     "https://example.com/i.png?v=2",
		"OPENID_ISSUER":        "https://example.com/auth/application/o/librechat/.well-known/openid-configuration",
		"OPENID_CLIENT_SECRET": "",
	} {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestLibreChatVarsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*lcInput)
		want   string
	}{
		{"no client id", func(in *lcInput) { in.ClientID = "" }, "OPENID_CLIENT_ID is empty"},
		{"no secret without PKCE", func(in *lcInput) { in.ClientSecret = "" }, "OPENID_USE_PKCE=true"},
		{"secret with #", func(in *lcInput) { in.ClientSecret = "a#b" }, "OPENID_CLIENT_SECRET"},
		{"no openid scope", func(in *lcInput) { in.Scopes = []string{"profile"} }, "must contain openid"},
		{"scope with space", func(in *lcInput) { in.Scopes = []string{"openid", "a b"} }, "whitespace"},
		{"reuse without offline_access", func(in *lcInput) { in.Extra = map[string]string{"OPENID_REUSE_TOKENS": "true"} }, "offline_access"},
		{"bad slug", func(in *lcInput) { in.Slug = "a/b" }, "slug"},
		{"http-less authentik URL", func(in *lcInput) { in.AuthentikURL = "auth.example.com" }, "authentik URL"},
		{"domain server slash", func(in *lcInput) { in.DomainServer = "https://chat.example.com/" }, "//oauth"},
		{"domain client relative", func(in *lcInput) { in.DomainClient = "/chat" }, "DOMAIN_CLIENT"},
		{"label with quote", func(in *lcInput) { in.ButtonLabel = `"Login"` }, "OPENID_BUTTON_LABEL"},
		{"image not a URL", func(in *lcInput) { in.ImageURL = "icon.png" }, "OPENID_IMAGE_URL"},
		{"bad extra", func(in *lcInput) { in.Extra = map[string]string{"OPENID_SCOPES": "x"} }, "did you mean OPENID_SCOPE?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := lcBaseInput()
			tt.change(&in)
			vars, err := lcVars(in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Vars = %v, %v; want an error containing %q", vars, err, tt.want)
			}
			if strings.Contains(err.Error(), "csecret") {
				t.Errorf("error shows the client secret: %v", err)
			}
		})
	}
}

func TestLibreChatValidateExtra(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		extra   map[string]string
		release string   // "" is the newest
		want    []string // substrings, one per error, in order
	}{
		{"none", nil, "", nil},
		{"valid", map[string]string{
			"OPENID_AUTO_REDIRECT": "false", "OPENID_CLOCK_TOLERANCE": "60", "OPENID_AUDIENCE": "",
			"OPENID_REQUIRED_ROLE": "chat-users", "OPENID_REQUIRED_ROLE_TOKEN_KIND": "id", "OPENID_REQUIRED_ROLE_PARAMETER_PATH": "groups",
			"OPENID_ADMIN_ROLE": "admins", "OPENID_ADMIN_ROLE_TOKEN_KIND": "userinfo", "OPENID_ADMIN_ROLE_PARAMETER_PATH": "groups",
			"OPENID_POST_LOGOUT_REDIRECT_URI": "https://chat.example.com/login", "DEBUG_OPENID_REQUESTS": "true",
		}, "", nil},
		{"typo", map[string]string{"OPENID_SCOPES": "openid"}, "", []string{"OPENID_SCOPES is not a setting LibreChat v0.8.8 reads; did you mean OPENID_SCOPE?"}},
		{"lower case", map[string]string{"openid_use_pkce": "true"}, "", []string{"did you mean OPENID_USE_PKCE?"}},
		{"misspelt", map[string]string{"OPENID_GENERATE_NONSE": "true"}, "", []string{"did you mean OPENID_GENERATE_NONCE?"}},
		{"redirect uri", map[string]string{"OPENID_REDIRECT_URI": "x"}, "", []string{"did you mean OPENID_CALLBACK_URL?"}},
		{"unknown", map[string]string{"OPENID_WHATEVER_THIS_IS": "x"}, "", []string{"OPENID_WHATEVER_THIS_IS is not a setting LibreChat v0.8.8 reads"}},
		{"not openid", map[string]string{"ALLOW_EMAIL_LOGIN": "false"}, "", []string{"only OPENID_* settings"}},
		{"debug typo", map[string]string{"DEBUG_OPENID_REQUEST": "true"}, "", []string{"did you mean DEBUG_OPENID_REQUESTS?"}},
		{"not released", map[string]string{"OPENID_DISCOVERY_RETRY_ATTEMPTS": "3"}, "", []string{"OPENID_DISCOVERY_RETRY_ATTEMPTS is not read by LibreChat v0.8.8, so it would have no effect: it appears on main after v0.8.8-rc1"}},
		// Added in v0.8.7: accepted by default (the newest release) and by
		// v0.8.7; refused, with both releases named, for v0.8.6.
		{"role sync", map[string]string{"OPENID_ROLE_SYNC_ENABLED": "true", "OPENID_ROLE_SYNC_CLAIM": "groups", "OPENID_ROLE_SYNC_SOURCE": "userinfo", "OPENID_ROLE_SYNC_ROLE_PRIORITY": "chat-power, USER", "OPENID_ROLE_SYNC_FALLBACK_ROLE": "USER"}, "", nil},
		{"role sync v0.8.7", map[string]string{"OPENID_ROLE_SYNC_ENABLED": "true", "OPENID_ROLE_SYNC_CLAIM": "groups"}, "v0.8.7", nil},
		{"role sync v0.8.6", map[string]string{"OPENID_ROLE_SYNC_ENABLED": "true", "OPENID_ROLE_SYNC_CLAIM": "groups"}, "v0.8.6", []string{
			"OPENID_ROLE_SYNC_CLAIM is not read by LibreChat v0.8.6, so it would have no effect: LibreChat reads it from v0.8.7 on",
			"OPENID_ROLE_SYNC_ENABLED is not read by LibreChat v0.8.6, so it would have no effect: LibreChat reads it from v0.8.7 on"}},
		{"v0.8.6 role sync alone: one error", map[string]string{"OPENID_ROLE_SYNC_ENABLED": "true"}, "v0.8.6", []string{"OPENID_ROLE_SYNC_ENABLED is not read by LibreChat v0.8.6"}},
		{"session age", map[string]string{"OPENID_REUSE_MAX_SESSION_AGE_MS": "60 * 60 * 1000"}, "", nil},
		{"session age v0.8.6", map[string]string{"OPENID_REUSE_MAX_SESSION_AGE_MS": "1000"}, "v0.8.6", []string{"LibreChat reads it from v0.8.7 on"}},
		{"v0.8.6 typo suggests only what it reads", map[string]string{"OPENID_ROLE_SYNC_ENABLE": "true"}, "v0.8.6", []string{"OPENID_ROLE_SYNC_ENABLE is not a setting LibreChat v0.8.6 reads"}},
		{"role sync without claim", map[string]string{"OPENID_ROLE_SYNC_ENABLED": "true"}, "", []string{"OPENID_ROLE_SYNC_ENABLED=true needs OPENID_ROLE_SYNC_CLAIM"}},
		{"role sync api alone", map[string]string{"OPENID_ROLE_SYNC_API_ENABLED": "true"}, "", []string{"OPENID_ROLE_SYNC_API_ENABLED=true needs OPENID_ROLE_SYNC_ENABLED=true"}},
		{"role sync admin", map[string]string{"OPENID_ROLE_SYNC_ENABLED": "true", "OPENID_ROLE_SYNC_CLAIM": "groups", "OPENID_ROLE_SYNC_ROLE_PRIORITY": "USER, admin", "OPENID_ROLE_SYNC_FALLBACK_ROLE": "ADMIN"}, "", []string{
			"OPENID_ROLE_SYNC_FALLBACK_ROLE cannot be ADMIN", "OPENID_ROLE_SYNC_ROLE_PRIORITY cannot name ADMIN"}},
		{"role sync source", map[string]string{"OPENID_ROLE_SYNC_SOURCE": "token"}, "", []string{"OPENID_ROLE_SYNC_SOURCE must be one of access, id, userinfo"}},
		{"owned", map[string]string{"OPENID_ISSUER": "https://x"}, "", []string{"provision computes it"}},
		{"owned non-openid", map[string]string{"ALLOW_SOCIAL_LOGIN": "true"}, "", []string{"provision computes it"}},
		{"from input", map[string]string{"OPENID_BUTTON_LABEL": "x"}, "", []string{"use the button_label field"}},
		{"bool yes", map[string]string{"OPENID_USE_PKCE": "yes"}, "", []string{"OPENID_USE_PKCE must be true or false"}},
		{"bool True", map[string]string{"OPENID_USE_PKCE": "True"}, "", []string{"must be true or false"}},
		{"bool empty", map[string]string{"OPENID_USE_PKCE": ""}, "", []string{"must be true or false"}},
		{"int", map[string]string{"OPENID_CLOCK_TOLERANCE": "300s"}, "", []string{"whole number"}},
		{"negative int", map[string]string{"OPENID_MAX_LOGOUT_URL_LENGTH": "-1"}, "", []string{"whole number"}},
		{"token kind", map[string]string{"OPENID_ADMIN_ROLE": "a", "OPENID_ADMIN_ROLE_TOKEN_KIND": "ID", "OPENID_ADMIN_ROLE_PARAMETER_PATH": "g"}, "", []string{"must be one of access, id, userinfo"}},
		{"url", map[string]string{"OPENID_POST_LOGOUT_REDIRECT_URI": "/login"}, "", []string{"absolute http(s) URL"}},
		{"unwritable value", map[string]string{"OPENID_AUDIENCE": "a#b"}, "", []string{"'#'"}},
		{"admin incomplete", map[string]string{"OPENID_ADMIN_ROLE": "admins"}, "", []string{"set all three or none (missing OPENID_ADMIN_ROLE_TOKEN_KIND, OPENID_ADMIN_ROLE_PARAMETER_PATH)"}},
		{"required role incomplete", map[string]string{"OPENID_REQUIRED_ROLE": "users", "OPENID_REQUIRED_ROLE_TOKEN_KIND": "id"}, "", []string{"(missing OPENID_REQUIRED_ROLE_PARAMETER_PATH)"}},
		{"required role missing", map[string]string{"OPENID_REQUIRED_ROLE_TOKEN_KIND": "id"}, "", []string{"OPENID_REQUIRED_ROLE_TOKEN_KIND has no effect without OPENID_REQUIRED_ROLE"}},
		{"sorted", map[string]string{"OPENID_USE_PKCE": "1", "OPENID_AUTO_REDIRECT": "1", "OPENID_ISSUER": "x"}, "", []string{"OPENID_AUTO_REDIRECT", "OPENID_ISSUER", "OPENID_USE_PKCE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := lcValidateExtra(tt.extra, tt.release)
			if len(errs) != len(tt.want) {
				t.Fatalf("lcValidateExtra = %v, want %d errors", errs, len(tt.want))
			}
			for i, err := range errs {
				if !strings.Contains(err.Error(), tt.want[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, err, tt.want[i])
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error %d spans lines: %q", i, err)
				}
			}
		})
	}
}

// validValue returns a value of s's kind that ValidateExtra accepts.
func validValue(s lcSetting) string {
	switch s.Kind {
	case lcBool:
		return "true"
	case lcInt:
		return "5"
	case lcURL:
		return "https://example.com/x"
	case lcPath:
		return "/x"
	case lcEnum:
		return s.Values[0]
	}
	return "value"
}

func TestLibreChatCatalog(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i, s := range lcCatalog {
		if seen[s.Name] {
			t.Errorf("%s listed twice", s.Name)
		}
		seen[s.Name] = true
		if i > 0 && lcCatalog[i-1].Name >= s.Name {
			t.Errorf("catalog not sorted at %s", s.Name)
		}
		if s.Description == "" || strings.Contains(s.Description, "\n") {
			t.Errorf("%s: description must be one line", s.Name)
		}
		if (s.Kind == lcEnum) != (len(s.Values) > 0) {
			t.Errorf("%s: values belong to enums only", s.Name)
		}
		if got, ok := lcLookup(s.Name); !ok || got.Name != s.Name {
			t.Errorf("Lookup(%s) failed", s.Name)
		}
		extra := map[string]string{s.Name: validValue(s)}
		// Complete the role groups so only the setting itself is judged.
		switch {
		case strings.HasPrefix(s.Name, "OPENID_ADMIN_ROLE"):
			extra = map[string]string{"OPENID_ADMIN_ROLE": "a", "OPENID_ADMIN_ROLE_TOKEN_KIND": "id", "OPENID_ADMIN_ROLE_PARAMETER_PATH": "groups"}
		case strings.HasPrefix(s.Name, "OPENID_REQUIRED_ROLE"):
			extra = map[string]string{"OPENID_REQUIRED_ROLE": "a", "OPENID_REQUIRED_ROLE_TOKEN_KIND": "id", "OPENID_REQUIRED_ROLE_PARAMETER_PATH": "groups"}
		case strings.HasPrefix(s.Name, "OPENID_ROLE_SYNC"):
			extra = map[string]string{"OPENID_ROLE_SYNC_ENABLED": "true", "OPENID_ROLE_SYNC_CLAIM": "groups", s.Name: validValue(s)}
		}
		errs := lcValidateExtra(extra, "")
		switch s.Source {
		case lcOptional:
			if len(errs) != 0 {
				t.Errorf("%s: released optional setting refused: %v", s.Name, errs)
			}
		case lcNotReleased:
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), "not read by LibreChat v0.8.8") {
				t.Errorf("%s: not-released setting: %v", s.Name, errs)
			}
		default:
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), "cannot be set here") {
				t.Errorf("%s: setting provision writes: %v", s.Name, errs)
			}
		}
	}
	for _, name := range []string{"OPENID_DISCOVERY_RETRY_ATTEMPTS", "OPENID_DISCOVERY_RETRY_DELAY_MS", "OPENID_REFRESH_BRIDGE_GRACE_MS",
		"OPENID_TOKEN_ENDPOINT_AUTH_METHOD", "OPENID_EXPOSE_SUB_COOKIE", "OPENID_OPTIONAL_EMAIL"} {
		if s, ok := lcLookup(name); !ok || s.Source != lcNotReleased {
			t.Errorf("%s must be in the catalog as not released", name)
		}
	}
	// Every Since names a known release after the oldest, and the settings
	// v0.8.7 added are there.
	for _, s := range lcCatalog {
		if s.Since != "" && lcReleaseIndex(s.Since) <= 0 {
			t.Errorf("%s: Since %q is not a release after %s", s.Name, s.Since, lcReleases[0])
		}
	}
	for _, name := range []string{"OPENID_ROLE_SYNC_ENABLED", "OPENID_ROLE_SYNC_API_ENABLED", "OPENID_ROLE_SYNC_SOURCE",
		"OPENID_ROLE_SYNC_CLAIM", "OPENID_ROLE_SYNC_ROLE_PRIORITY", "OPENID_ROLE_SYNC_FALLBACK_ROLE", "OPENID_REUSE_MAX_SESSION_AGE_MS"} {
		if s, ok := lcLookup(name); !ok || s.Source != lcOptional || s.Since != "v0.8.7" {
			t.Errorf("%s must be an optional setting since v0.8.7", name)
		}
	}
	if _, ok := lcLookup("OPENID_NOPE"); ok {
		t.Error("Lookup found an unknown name")
	}
}

func TestLibreChatDomainServer(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"https://chat.example.com", "http://localhost:3080", "https://example.com/chat"} {
		if err := lcCheckDomainServer(ok); err != nil {
			t.Errorf("CheckDomainServer(%q) = %v", ok, err)
		}
	}
	for bad, want := range map[string]string{
		"https://chat.example.com/":  "//oauth",
		"chat.example.com":           "absolute http(s) URL",
		"ftp://chat.example.com":     "absolute http(s) URL",
		"https://chat.example.com?a": "query",
		"https://u:p@chat.example":   "credentials",
		"":                           "absolute http(s) URL",
	} {
		if err := lcCheckDomainServer(bad); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckDomainServer(%q) = %v, want %q", bad, err, want)
		}
	}
	if got := lcRedirectURI("https://chat.example.com"); got != "https://chat.example.com/oauth/openid/callback" {
		t.Errorf("RedirectURI = %q", got)
	}
	if lcCallbackPath != "/oauth/openid/callback" {
		t.Error("CallbackPath")
	}
}

func TestLibreChatNewSessionSecret(t *testing.T) {
	t.Parallel()
	s, err := newSessionSecret(bytes.NewReader(bytes.Repeat([]byte{0xab}, 40)))
	if err != nil || s != strings.Repeat("ab", 32) {
		t.Errorf("NewSessionSecret = %q, %v", s, err)
	}
	if _, err := newSessionSecret(bytes.NewReader(make([]byte, 31))); err == nil {
		t.Error("want an error for a short read")
	}
	boom := errors.New("boom")
	if _, err := newSessionSecret(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("err = %v, want it to wrap the reader's error", err)
	}
}
