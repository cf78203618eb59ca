package dotenv

import (
	"fmt"
	"strings"
	"testing"
)

// libreChatEnv renders a 200-line .env shaped like LibreChat's .env.example.
// owned maps an owned line's key to the whole line written for it.
func libreChatEnv(eol string, owned map[string]string) string {
	lines := []string{
		"#=====================================================================#",
		"#                       LibreChat Configuration                       #",
		"#=====================================================================#",
		"",
		"#==================================================#",
		"#               Server Configuration               #",
		"#==================================================#",
		"",
		"HOST=localhost",
		"PORT=3080",
		"",
		"MONGO_URI=mongodb://127.0.0.1:27017/LibreChat",
		"",
		owned["DOMAIN_CLIENT"],
		owned["DOMAIN_SERVER"],
		"",
		"NO_INDEX=true",
		"export NODE_ENV=production",
		"  TRUST_PROXY = 1",
		`CONSOLE_JSON="false"`,
		"DEBUG_LOGGING=true # keep for now",
		"",
		"# OPENAI_API_KEY=user_provided",
		"ANTHROPIC_API_KEY='user_provided'",
		"JSON_CONFIG={\"a\": \"b\"}",
		`PRIVATE_KEY="-----BEGIN KEY-----`,
		"OPENID_ISSUER=inside-a-quoted-value",
		`-----END KEY-----"`,
		"",
		"#========================#",
		"# Social Login           #",
		"#========================#",
		"",
		owned["ALLOW_SOCIAL_LOGIN"],
		"ALLOW_SOCIAL_REGISTRATION=false",
		"",
		"# OpenID",
		"# OPENID_ISSUER=https://old.example.com",
		owned["OPENID_CLIENT_ID"],
		owned["OPENID_CLIENT_SECRET"],
		owned["OPENID_ISSUER"],
		owned["OPENID_SESSION_SECRET"],
		owned["OPENID_SCOPE"],
		owned["OPENID_CALLBACK_URL"],
		"OPENID_REQUIRED_ROLE=",
		"OPENID_REQUIRED_ROLE_TOKEN_KIND=",
		"OPENID_USE_END_SESSION_ENDPOINT=",
		"",
		"CREDS_KEY=f34be427ebb29de8d88c107a71546019685ed8b241d8f2ed00c3df97ad2566f0",
		"CREDS_IV=e2341419ec3dd3d19b13a1a87fafcbfb",
		"JWT_SECRET=16f8c0ef4a5d391b26034086c628469d3f9f497f08163ab9b40137092f2909ef",
		"",
	}
	for i := 0; len(lines) < 199; i++ {
		switch i % 4 {
		case 0:
			lines = append(lines, fmt.Sprintf("# setting group %d", i))
		case 1:
			lines = append(lines, fmt.Sprintf("SETTING_%d=value-%d", i, i))
		case 2:
			lines = append(lines, fmt.Sprintf("export SETTING_%d=\"quoted %d\"", i, i))
		default:
			lines = append(lines, "")
		}
	}
	lines = append(lines, owned["OPENID_SCOPE"]) // a second assignment
	return strings.Join(lines, eol) + eol
}

func TestMergeKeepsOtherLines(t *testing.T) {
	t.Parallel()
	old := map[string]string{
		"DOMAIN_CLIENT":         "DOMAIN_CLIENT=http://localhost:3080",
		"DOMAIN_SERVER":         "DOMAIN_SERVER=http://localhost:3080/ # trailing slash",
		"ALLOW_SOCIAL_LOGIN":    "ALLOW_SOCIAL_LOGIN=false",
		"OPENID_CLIENT_ID":      "export OPENID_CLIENT_ID=old-id",
		"OPENID_CLIENT_SECRET":  "OPENID_CLIENT_SECRET=",
		"OPENID_ISSUER":         "  OPENID_ISSUER = 'https://old.example.com'",
		"OPENID_SESSION_SECRET": "OPENID_SESSION_SECRET=keep",
		"OPENID_SCOPE":          `OPENID_SCOPE="openid profile email"`,
		"OPENID_CALLBACK_URL":   "OPENID_CALLBACK_URL: /oauth/openid/callback",
	}
	want := map[string]string{
		"DOMAIN_CLIENT":         "DOMAIN_CLIENT=https://chat.example.com",
		"DOMAIN_SERVER":         "DOMAIN_SERVER=https://chat.example.com",
		"ALLOW_SOCIAL_LOGIN":    "ALLOW_SOCIAL_LOGIN=true",
		"OPENID_CLIENT_ID":      "export OPENID_CLIENT_ID=new-id",
		"OPENID_CLIENT_SECRET":  "OPENID_CLIENT_SECRET=s3cr3t",
		"OPENID_ISSUER":         "  OPENID_ISSUER=https://auth.example.com/application/o/librechat/",
		"OPENID_SESSION_SECRET": "OPENID_SESSION_SECRET=keep",
		"OPENID_SCOPE":          "OPENID_SCOPE=openid profile email",
		"OPENID_CALLBACK_URL":   "OPENID_CALLBACK_URL=/oauth/openid/callback",
	}
	vars := []Var{
		{Key: "ALLOW_SOCIAL_LOGIN", Value: "true"},
		{Key: "DOMAIN_CLIENT", Value: "https://chat.example.com"},
		{Key: "DOMAIN_SERVER", Value: "https://chat.example.com"},
		{Key: "OPENID_ISSUER", Value: "https://auth.example.com/application/o/librechat/"},
		{Key: "OPENID_CLIENT_ID", Value: "new-id"},
		{Key: "OPENID_CLIENT_SECRET", Value: "s3cr3t", Secret: true},
		{Key: "OPENID_SESSION_SECRET", Value: "keep", Secret: true},
		{Key: "OPENID_CALLBACK_URL", Value: "/oauth/openid/callback"},
		{Key: "OPENID_SCOPE", Value: "openid profile email"},
		{Key: "OPENID_BUTTON_LABEL", Value: "Login with Authentik"},
		{Key: "OPENID_GENERATE_NONCE", Value: "true"},
	}
	for _, eol := range []string{"\n", "\r\n"} {
		in := libreChatEnv(eol, old)
		if n := strings.Count(in, eol); n != 200 {
			t.Fatalf("template has %d lines, want 200", n)
		}
		expect := libreChatEnv(eol, want) + eol + Marker + eol +
			"OPENID_BUTTON_LABEL=Login with Authentik" + eol + "OPENID_GENERATE_NONCE=true" + eol
		out, changed := Merge([]byte(in), vars)
		if !changed {
			t.Errorf("eol %q: changed = false", eol)
		}
		if string(out) != expect {
			diffLines(t, expect, string(out), eol)
		}
		// What dotenv reads: the vars, and every other key as before.
		before, _ := Parse([]byte(in))
		after, _ := Parse(out)
		for _, v := range vars {
			if after[v.Key] != v.Value {
				t.Errorf("eol %q: %s reads %q, want %q", eol, v.Key, after[v.Key], v.Value)
			}
			delete(before, v.Key)
			delete(after, v.Key)
		}
		for k, v := range before {
			if after[k] != v {
				t.Errorf("eol %q: other key %s changed from %q to %q", eol, k, v, after[k])
			}
		}
		// Idempotent.
		again, changed := Merge(out, vars)
		if changed || string(again) != string(out) {
			t.Errorf("eol %q: second Merge changed the content", eol)
		}
	}
}

func diffLines(t *testing.T, want, got, eol string) {
	t.Helper()
	w, g := strings.Split(want, eol), strings.Split(got, eol)
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			t.Errorf("eol %q line %d:\n got %q\nwant %q", eol, i+1, b, a)
		}
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	k := func(key, value string) Var { return Var{Key: key, Value: value} }
	tests := []struct {
		name    string
		in      string
		vars    []Var
		want    string
		changed bool
	}{
		{"empty file", "", []Var{k("A", "1"), k("B", "")}, Marker + "\nA=1\nB=\n", true},
		{"nothing to do", "", nil, "", false},
		{"same value", "A=1\n", []Var{k("A", "1")}, "A=1\n", false},
		{"same value no final newline", "X=2\nA=1", []Var{k("A", "1")}, "X=2\nA=1", false},
		{"update keeps missing final newline", "X=2\nA=0", []Var{k("A", "1")}, "X=2\nA=1", true},
		{"append after missing final newline", "X=2", []Var{k("A", "1")}, "X=2\n\n" + Marker + "\nA=1\n", true},
		{"append after blank line", "X=2\n\n", []Var{k("A", "1")}, "X=2\n\n" + Marker + "\nA=1\n", true},
		{"append CRLF", "X=2\r\n", []Var{k("A", "1")}, "X=2\r\n\r\n" + Marker + "\r\nA=1\r\n", true},
		{"marker not duplicated", "X=2\n\n" + Marker + "\nA=1\n", []Var{k("A", "1"), k("B", "2")}, "X=2\n\n" + Marker + "\nA=1\nB=2\n", true},
		{"commented line left alone", "# A=old\n", []Var{k("A", "1")}, "# A=old\n\n" + Marker + "\nA=1\n", true},
		{"every assignment replaced", "A=1\nX=2\nA=3\n", []Var{k("A", "4")}, "A=4\nX=2\nA=4\n", true},
		{"export and indentation kept", "  export A=1\n", []Var{k("A", "2")}, "  export A=2\n", true},
		{"quotes removed", "A=\"x y\"\n", []Var{k("A", "x y")}, "A=x y\n", true},
		{"inline comment dropped", "A=1 # old\nB=2 # kept\n", []Var{k("A", "1")}, "A=1\nB=2 # kept\n", true},
		{"colon form", "A: 1\n", []Var{k("A", "2")}, "A=2\n", true},
		{"multi-line value replaced", "A=\"one\ntwo\" # c\nB=2\n", []Var{k("A", "x")}, "A=x\nB=2\n", true},
		{"key inside another quoted value untouched", "P=\"\nA=inside\n\"\n", []Var{k("A", "1")}, "P=\"\nA=inside\n\"\n\n" + Marker + "\nA=1\n", true},
		{"blank lines after a value kept", "A=1\n\n\nB=2\n", []Var{k("A", "2")}, "A=2\n\n\nB=2\n", true},
		{"CRLF kept", "A=1\r\nB=2\r\n", []Var{k("A", "2")}, "A=2\r\nB=2\r\n", true},
		{"duplicate var: last wins", "", []Var{k("A", "1"), k("A", "2")}, Marker + "\nA=2\n", true},
		{"order of appended keys", "", []Var{k("Z", "1"), k("A", "2")}, Marker + "\nZ=1\nA=2\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, changed := Merge([]byte(tt.in), tt.vars)
			if string(out) != tt.want || changed != tt.changed {
				t.Errorf("Merge(%q) = %q, %v; want %q, %v", tt.in, out, changed, tt.want, tt.changed)
			}
			again, changed := Merge(out, tt.vars)
			if changed || string(again) != string(out) {
				t.Errorf("second Merge = %q, %v", again, changed)
			}
		})
	}
}

// FuzzMerge checks, on arbitrary files, that Merge keeps what it does not
// own and is idempotent whenever dotenv reads the result as intended.
func FuzzMerge(f *testing.F) {
	f.Add("A=1\nB=\"x\ny\"\n# K=3\n", "v")
	f.Add("K=old\r\nexport K: 'q'\r\n", "")
	f.Add("K=\"a\nK=b\n", "new")
	f.Fuzz(func(t *testing.T, in, v string) {
		if CheckValue("K", v) != nil {
			return
		}
		before, err := Parse([]byte(in))
		if err != nil {
			return
		}
		vars := []Var{{Key: "K", Value: v}, {Key: "L", Value: "l"}}
		out, _ := Merge([]byte(in), vars)
		if verify(before, out, vars) != nil {
			return // UpdateFile refuses to write these
		}
		again, changed := Merge(out, vars)
		if changed {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
		}
	})
}
