package operation

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/suggest"
)

// EnvOptions are env's.
type EnvOptions struct {
	Conn      Conn
	Path      string
	OutputDir string
	App       string
	// Output is one output of the application; "" is all.
	Output string
	// Out is the file to update instead of printing; "" and "-" print.
	Out string
}

// Env is what env found: an application's settings, from authentik.
type Env struct {
	// Facts are what the client of an application without outputs needs
	// (its provider's settings: SAML_*, OIDC_*, LDAP_*).
	Facts []outputs.Fact
	// Outputs are each output's settings, to print.
	Outputs []EnvOutput
	// Out is the file updated (EnvOptions.Out); State is created,
	// updated or unchanged, and Settings how many it holds.
	Out      string
	State    string
	Settings int
}

// EnvOutput is one output's settings: Vars, or for a format other than
// dotenv the file's content (Rendered).
type EnvOutput struct {
	Name, Preset, Format string
	Vars                 []outputs.Var
	Rendered             []byte
}

// RunEnv reads authentik and computes the settings of an application's
// outputs (or its provider's, without outputs); with Out it updates that
// file, keeping every other line and the secrets provision generated
// before. The secrets it returns are exempted from masking: env's output
// is the client's configuration.
func RunEnv(ctx context.Context, d Deps, o EnvOptions) (*Env, error) {
	if o.Out == "-" {
		o.Out = "" // standard output, as without --out
	}
	needs := func(m *manifest.Manifest, a *manifest.Application) (plan.Reads, error) {
		if hasOutputs(a) {
			return outputReads()(m, a)
		}
		if o.Output != "" {
			return plan.Reads{}, fmt.Errorf("application %q declares no outputs, so --output %s names none", a.Slug, o.Output)
		}
		return ProviderReads(m, a)
	}
	st, err := LoadApp(ctx, d, o.Conn, o.Path, o.OutputDir, o.App, needs)
	if err != nil {
		return nil, err
	}
	a, c, live := st.App, st.Client, st.Live
	public := outputs.PublicURL(st.Manifest, c.BaseURL())
	if !hasOutputs(a) {
		if o.Out != "" {
			return nil, fmt.Errorf("application %q has no outputs; --out writes an output's file only (print the settings without --out)", a.Slug)
		}
		facts, err := outputs.Facts(public, live, a.Slug)
		if err != nil {
			return nil, err
		}
		for _, f := range facts {
			if f.Sensitive {
				d.AllowPrinted(f.Value)
			}
		}
		return &Env{Facts: facts}, nil
	}
	rs, err := outputs.Resolve(a, outputOptions(st.Manifest, d, o.OutputDir, c.BaseURL()))
	if err != nil {
		return nil, err
	}
	if o.Output != "" {
		var names []string
		var chosen []*outputs.Resolved
		for _, r := range rs {
			names = append(names, r.Name)
			if r.Name == o.Output {
				chosen = append(chosen, r)
			}
		}
		if len(chosen) == 0 {
			msg := fmt.Sprintf("application %q has no output %q (outputs: %v)", a.Slug, o.Output, names)
			if s := suggest.Closest(o.Output, names); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			return nil, fmt.Errorf("%s", msg)
		}
		rs = chosen
	}
	if o.Out != "" && len(rs) > 1 {
		return nil, fmt.Errorf("application %q has %d outputs; choose the one --out writes with --output NAME", a.Slug, len(rs))
	}
	values, err := outputs.LiveValues(public, a, live)
	if err != nil {
		return nil, err
	}
	env := &Env{}
	for _, r := range rs {
		var keep *outputs.Target
		if o.Out != "" {
			// "./-": a file named "-" (Confine reads a bare "-" as stdout).
			t, err := outputs.Confine(filepath.Dir(o.Out), "."+string(filepath.Separator)+filepath.Base(o.Out), false)
			if err != nil {
				return nil, err
			}
			keep = &t
		}
		vars, err := outputs.VarsFor(r, values, keep, d.Random)
		if err != nil {
			return nil, err
		}
		// env's output is the client's configuration, secrets included;
		// written to --out, they stay out of what is printed.
		d.secretHook()(o.Out == "", outputs.Secrets(vars)...)
		if o.Out != "" {
			existed := keep.Exists()
			changed, err := outputs.WriteTarget(r, *keep, vars)
			if err != nil {
				return nil, err
			}
			env.Out, env.State, env.Settings = o.Out, "unchanged", len(vars)
			if changed && existed {
				env.State = "updated"
			} else if changed {
				env.State = "created"
			}
			return env, nil
		}
		out := EnvOutput{Name: r.Name, Preset: r.Preset.Name(), Format: r.Format.Name(), Vars: vars}
		if out.Format != "dotenv" {
			if out.Rendered, err = outputs.Render(r, vars); err != nil {
				return nil, err
			}
		}
		env.Outputs = append(env.Outputs, out)
	}
	return env, nil
}
