package dotenv

import (
	"maps"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want map[string]string
	}{
		{"basic", "BASIC=basic\n", map[string]string{"BASIC": "basic"}},
		{"no final newline", "A=1\nB=2", map[string]string{"A": "1", "B": "2"}},
		{"empty", "EMPTY=\nNEXT=x\n", map[string]string{"EMPTY": "", "NEXT": "x"}},
		{"spaces around", "  SPACED  =  with spaces  \n", map[string]string{"SPACED": "with spaces"}},
		{"inner spaces kept", "SCOPE=openid profile email\n", map[string]string{"SCOPE": "openid profile email"}},
		{"single quotes", "SQ='single'\n", map[string]string{"SQ": "single"}},
		{"double quotes", `DQ="double"` + "\n", map[string]string{"DQ": "double"}},
		{"backticks", "BT=`back`\n", map[string]string{"BT": "back"}},
		{"empty quotes", "E1=''\nE2=\"\"\n", map[string]string{"E1": "", "E2": ""}},
		{"quotes keep spaces", "Q=' padded '\n", map[string]string{"Q": " padded "}},
		{"mismatched quotes kept", `M="abc'` + "\n", map[string]string{"M": `"abc'`}},
		{"inner quotes kept", `J={"foo": "bar"}` + "\n", map[string]string{"J": `{"foo": "bar"}`}},
		{"newline expanded in double quotes", `N="a\nb\rc"` + "\n", map[string]string{"N": "a\nb\rc"}},
		{"newline not expanded in single quotes", `N='a\nb'` + "\n", map[string]string{"N": `a\nb`}},
		{"newline not expanded unquoted", `N=a\nb` + "\n", map[string]string{"N": `a\nb`}},
		{"multi-line double", "ML=\"one\ntwo\"\nX=1\n", map[string]string{"ML": "one\ntwo", "X": "1"}},
		{"multi-line single", "ML='one\ntwo'\n", map[string]string{"ML": "one\ntwo"}},
		{"multi-line backtick", "ML=`one\ntwo`\n", map[string]string{"ML": "one\ntwo"}},
		{"multi-line swallows assignments", "ML=\"one\nHIDDEN=x\n\"\n", map[string]string{"ML": "one\nHIDDEN=x\n"}},
		{"escaped quote", `EQ="a\"b"` + "\n", map[string]string{"EQ": `a\"b`}},
		{"comment line", "# COMMENTED=1\nA=1\n", map[string]string{"A": "1"}},
		{"inline comment", "A=value # comment\n", map[string]string{"A": "value"}},
		{"inline comment without space", "A=val#ue\n", map[string]string{"A": "val"}},
		{"hash in quotes", `A="val#ue" # c` + "\n", map[string]string{"A": "val#ue"}},
		{"hash only", "A=#\n", map[string]string{"A": ""}},
		{"export", "export EXP=yes\n", map[string]string{"EXP": "yes"}},
		{"colon", "YAML: value\n", map[string]string{"YAML": "value"}},
		{"colon needs space", "URLISH:x\n", map[string]string{}},
		{"equals in value", "EQ=a=b==\n", map[string]string{"EQ": "a=b=="}},
		{"dots and dashes in key", "a.b-c=1\n", map[string]string{"a.b-c": "1"}},
		{"last wins", "A=1\nA=2\n", map[string]string{"A": "2"}},
		{"CRLF", "A=1\r\nB=\"x\r\ny\"\r\n", map[string]string{"A": "1", "B": "x\ny"}},
		{"CR", "A=1\rB=2\r", map[string]string{"A": "1", "B": "2"}},
		{"garbage skipped", "not an assignment\nA=1\n", map[string]string{"A": "1"}},
		{"empty value takes a quoted next line", "A=\n'x'\n", map[string]string{"A": "x"}},
		{"BOM", "\ufeffA=1\n", map[string]string{"A": "1"}},
		{"U+2028 ends a comment", "A=1#c\u2028B=2\n", map[string]string{"A": "1", "B": "2"}},
		{"U+2028 inside a value", "A=x\u2028'y'\n", map[string]string{"A": "x\u2028y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRefusesNonUTF8(t *testing.T) {
	t.Parallel()
	if _, err := Parse([]byte("A=\xe9\n")); err == nil {
		t.Fatal("want an error for Latin-1 data")
	}
	if _, ok := Lookup([]byte("A=\xe9\n"), "A"); ok {
		t.Error("Lookup should report false for non-UTF-8 data")
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	data := []byte("# OPENID_SESSION_SECRET=old\nOPENID_SESSION_SECRET=abc\nOTHER=\n")
	if v, ok := Lookup(data, "OPENID_SESSION_SECRET"); !ok || v != "abc" {
		t.Errorf("Lookup = %q, %v", v, ok)
	}
	if v, ok := Lookup(data, "OTHER"); !ok || v != "" {
		t.Errorf("Lookup(OTHER) = %q, %v", v, ok)
	}
	if _, ok := Lookup(data, "MISSING"); ok {
		t.Error("Lookup(MISSING) reported true")
	}
	if _, ok := Lookup(nil, "A"); ok {
		t.Error("Lookup on empty data reported true")
	}
}

// FuzzRoundTrip checks that every value CheckValue accepts is read back
// exactly, alone and between other lines, with LF and CRLF endings.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{
		"", "x", "openid profile email", "https://auth.example.com/application/o/librechat/.well-known/openid-configuration",
		"/oauth/openid/callback", "Login with Authentik", "a=b", "k: v", "it's", `say "hi"`, "ends'", "a\\nb", `"`, "'",
		"x'", "é ü 漢字", "a\u00a0b", "true", "0", "export", "x ' y '", "`", "a\\", "  ", "#", "\n", "a\u2028b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if CheckValue("K", v) != nil {
			return
		}
		for _, doc := range []string{
			"K=" + v,
			"K=" + v + "\n",
			"A=1\nK=" + v + "\nB=2\n",
			"A=1\r\nexport K=" + v + "\r\n# c\r\nB=\"x\"\r\n",
		} {
			got, err := Parse([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if got["K"] != v {
				t.Fatalf("Parse(%q)[K] = %q, want %q", doc, got["K"], v)
			}
		}
	})
}
