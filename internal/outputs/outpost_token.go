package outputs

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

// TokenFunc reads the key of the token authentik made for the outpost with
// this uuid.
type TokenFunc func(uuid string) (string, error)

// WriteOutpostTokens writes every present outpost's token output from live
// state read after apply: AUTHENTIK_HOST (authentik's public URL),
// AUTHENTIK_TOKEN and AUTHENTIK_INSECURE, what an outpost container reads,
// as a .env merged in place or a Kubernetes Secret. Files are confined,
// atomic and 0600, as application outputs are.
func WriteOutpostTokens(m *manifest.Manifest, opts Options, live *plan.Live, token TokenFunc, stdout interface{ Write([]byte) (int, error) }, hook SecretHook) ([]Written, error) {
	if hook == nil {
		hook = func(bool, ...string) {}
	}
	var written []Written
	for i := range m.Outposts {
		o := &m.Outposts[i]
		out := o.Outputs[manifest.OutpostTokenOutput]
		if o.State.IsAbsent() || out == nil || out.File == "" {
			continue
		}
		var uuid string
		for _, lo := range live.Outposts {
			if lo.Name == o.Name {
				uuid = lo.PK
			}
		}
		if uuid == "" {
			return written, fmt.Errorf("%s: outpost %q, output token: the outpost is not in authentik; run apply", o.Src.At("outputs.token"), o.Name)
		}
		key, err := token(uuid)
		if err != nil {
			return written, err
		}
		vars := []Var{
			{Key: "AUTHENTIK_HOST", Value: opts.PublicURL},
			{Key: "AUTHENTIK_TOKEN", Value: key, Secret: true},
			{Key: "AUTHENTIK_INSECURE", Value: "false"},
		}
		hook(false, key)
		base := opts.OutputDir
		if base == "" {
			base = filepath.Dir(o.Src.Pos.File)
		}
		t, err := Confine(base, out.File, opts.OutputDir != "")
		if err != nil {
			return written, fmt.Errorf("%s: outpost %q, output token: %w", o.Src.At("outputs.token.file"), o.Name, err)
		}
		format, err := FormatOf(out.Format)
		if err != nil {
			return written, fmt.Errorf("%s: outpost %q, output token: %w", o.Src.At("outputs.token.format"), o.Name, err)
		}
		w, err := writeSecretFile(manifest.OutpostTokenOutput, out.SecretName, out.Namespace, t, format, vars, "authentik-outpost-"+dnsLabel(o.Name),
			fmt.Sprintf("the deployment token of outpost %q", o.Name), "outpost "+o.Name, stdout)
		if err != nil {
			return written, err
		}
		written = append(written, w)
	}
	return written, nil
}

var notLabel = regexp.MustCompile(`[^a-z0-9-]+`)

// dnsLabel turns an outpost's name into a Kubernetes object name.
func dnsLabel(s string) string {
	s = strings.Trim(notLabel.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "outpost"
	}
	return s
}

// KeyFunc reads the key of the token with this identifier.
type KeyFunc func(identifier string) (string, error)

// WriteTokenOutputs writes every present token entry's token output:
// AUTHENTIK_TOKEN (the key, read now: plans never read a key) and
// AUTHENTIK_URL (the API URL provision used), as a .env merged in place,
// JSON or a Kubernetes Secret. Files are confined, atomic and 0600.
func WriteTokenOutputs(m *manifest.Manifest, opts Options, apiURL string, key KeyFunc, stdout interface{ Write([]byte) (int, error) }, hook SecretHook) ([]Written, error) {
	if hook == nil {
		hook = func(bool, ...string) {}
	}
	var written []Written
	for _, e := range m.EntriesOf("token") {
		if e.State.IsAbsent() || len(e.Outputs) == 0 {
			continue
		}
		k, err := key(e.Key)
		if err != nil {
			return written, err
		}
		hook(false, k)
		vars := []Var{
			{Key: "AUTHENTIK_TOKEN", Value: k, Secret: true},
			{Key: "AUTHENTIK_URL", Value: strings.TrimSuffix(apiURL, "/")},
		}
		w, err := writeEntryOutputs(e, opts, vars, "authentik-token-"+dnsLabel(e.Key), "token", fmt.Sprintf("the key of token %q", e.Key), stdout)
		written = append(written, w...)
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// writeEntryOutputs writes each output of a descriptor entry (a token's,
// a SCIM source's) with vars: confined, atomic, 0600. kind names the entry
// in errors ("token"), what says what the file holds in the report line.
func writeEntryOutputs(e *manifest.Entry, opts Options, vars []Var, secretDefault, kind, what string, stdout interface{ Write([]byte) (int, error) }) ([]Written, error) {
	var written []Written
	names := make([]string, 0, len(e.Outputs))
	for name := range e.Outputs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		out := e.Outputs[name]
		if out == nil || out.File == "" {
			continue
		}
		base := opts.OutputDir
		if base == "" {
			base = filepath.Dir(e.Src.Pos.File)
		}
		t, err := Confine(base, out.File, opts.OutputDir != "")
		if err != nil {
			return written, fmt.Errorf("%s: %s %q, output %s: %w", e.Src.At("outputs."+name), kind, e.Key, name, err)
		}
		format, err := FormatOf(out.Format)
		if err != nil {
			return written, fmt.Errorf("%s: %s %q, output %s: %w", e.Src.At("outputs."+name), kind, e.Key, name, err)
		}
		w, err := writeSecretFile(name, out.SecretName, out.Namespace, t, format, vars, secretDefault, what, kind+" "+e.Key, stdout)
		if err != nil {
			return written, err
		}
		written = append(written, w)
	}
	return written, nil
}

// writeSecretFile writes one output holding a secret (an outpost's or a
// token's key): vars in format to t, mode 0600, a Kubernetes Secret named
// secretName or secretDefault. It prints what the file became, saying
// what it holds, and returns it as written for owner.
func writeSecretFile(name, secretName, namespace string, t Target, format Format, vars []Var, secretDefault, what, owner string, stdout interface{ Write([]byte) (int, error) }) (Written, error) {
	if secretName == "" {
		secretName = secretDefault
	}
	r := &Resolved{Name: name, Out: &manifest.Output{SecretName: secretName, Namespace: namespace}, Format: format, Target: t, HasFile: true}
	existed := t.Exists()
	changed, err := WriteTarget(r, t, vars)
	if err != nil {
		return Written{}, err
	}
	state := "unchanged"
	switch {
	case changed && !existed:
		state = "created"
	case changed:
		state = "updated"
	}
	fmt.Fprintf(stdout, "%s: %s (%s, mode 0600)\n", t.Path(), state, what)
	return Written{Application: owner, File: t.Path(), State: state, Settings: len(vars)}, nil
}
