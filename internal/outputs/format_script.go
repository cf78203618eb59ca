package outputs

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Scripter is a preset whose application takes its OpenID settings from
// an admin command (Nextcloud's occ user_oidc:provider, gitea admin auth).
// Format script writes the settings as shell variables named after each
// Var's Key, then the command lines Script returns, which use them.
type Scripter interface {
	Script(vars []Var) Script
}

// Script is what a Scripter's script runs.
type Script struct {
	// About are comment lines at the top: what the script does, how to run
	// it.
	About []string
	// Runner is the variable naming the application's command, with its
	// default (OCC, "php occ"): the one who runs the script sets it to
	// reach the application (docker exec ...).
	Runner, RunnerDefault string
	// Body are the command lines, run after the values are set; "$RUN"
	// stands for the runner's command, split into words.
	Body []string
}

// scriptFormat is a bash script that holds the values itself and runs the
// application's own idempotent upsert command with them; provision writes
// it (0600, atomically, whole) and never runs it.
type scriptFormat struct{}

const (
	scriptShebang = "#!/usr/bin/env bash"
	scriptMarker  = "# Written by provision"
	scriptValues  = "# provision: values"
	scriptEnd     = "# provision: end of values"
)

var shellNameRE = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

func (scriptFormat) Name() string { return "script" }

func (scriptFormat) CheckValue(key, value string) error {
	if !shellNameRE.MatchString(key) {
		return fmt.Errorf("%q is not a shell variable name (capital letters, digits and _)", key)
	}
	if !utf8.ValidString(value) || strings.ContainsRune(value, 0) {
		return fmt.Errorf("the value of %s is not valid UTF-8 text, which a script cannot hold", key)
	}
	return nil
}

func (scriptFormat) Check(secretName, namespace string) []Problem {
	return metaOnlyForSecret(secretName, namespace)
}

// shellQuote quotes s for bash: single quotes, each ' written as '\”.
// Nothing inside single quotes is expanded, newlines included.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (scriptFormat) Parse(data []byte) (map[string]string, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]string{}, nil
	}
	text := string(data)
	if !strings.HasPrefix(text, scriptShebang+"\n"+scriptMarker) {
		return nil, errors.New("it is not a script provision wrote")
	}
	start := strings.Index(text, "\n"+scriptValues+"\n")
	end := strings.Index(text, "\n"+scriptEnd+"\n")
	if start < 0 || end < start {
		return nil, errors.New("its values block is missing")
	}
	return parseAssignments(text[start+len(scriptValues)+2 : end+1])
}

// parseAssignments reads NAME='quoted' lines as shellQuote writes them.
func parseAssignments(s string) (map[string]string, error) {
	out := map[string]string{}
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq < 0 || !shellNameRE.MatchString(s[:eq]) {
			return nil, errors.New("its values block holds a line that is not NAME='value'")
		}
		name := s[:eq]
		s = s[eq+1:]
		var v strings.Builder
		for {
			if strings.HasPrefix(s, `\'`) {
				v.WriteByte('\'')
				s = s[2:]
				continue
			}
			if !strings.HasPrefix(s, "'") {
				break
			}
			closing := strings.IndexByte(s[1:], '\'')
			if closing < 0 {
				return nil, fmt.Errorf("the value of %s is not closed", name)
			}
			v.WriteString(s[1 : 1+closing])
			s = s[closing+2:]
		}
		if !strings.HasPrefix(s, "\n") {
			return nil, fmt.Errorf("the value of %s is not quoted as provision writes it", name)
		}
		s = s[1:]
		out[name] = v.String()
	}
	return out, nil
}

func (f scriptFormat) Render(existing []byte, vars []Var, meta Meta) ([]byte, bool, error) {
	if _, err := f.Parse(existing); err != nil {
		return nil, false, fmt.Errorf("%w; provision does not overwrite it", err)
	}
	if meta.Scripter == nil {
		return nil, false, errors.New("format script is for presets configured by an admin command")
	}
	sc := meta.Scripter.Script(vars)
	var b strings.Builder
	b.WriteString(scriptShebang + "\n")
	b.WriteString(scriptMarker + ". provision never runs it; run it where the application's\n")
	b.WriteString("# admin command works. Running it again changes nothing.\n")
	for _, l := range sc.About {
		b.WriteString("# " + l + "\n")
	}
	b.WriteString("set -euo pipefail\n\n")
	b.WriteString(scriptValues + "\n")
	for _, v := range vars {
		b.WriteString(v.Key + "=" + shellQuote(v.Value) + "\n")
	}
	b.WriteString(scriptEnd + "\n\n")
	if sc.Runner != "" {
		fmt.Fprintf(&b, "# %s is the command that reaches the application, split into words.\n", sc.Runner)
		fmt.Fprintf(&b, "read -r -a RUN <<< \"${%s:-%s}\"\n\n", sc.Runner, sc.RunnerDefault)
	}
	for _, l := range sc.Body {
		b.WriteString(l + "\n")
	}
	out := []byte(b.String())
	return out, !bytes.Equal(out, existing), nil
}
