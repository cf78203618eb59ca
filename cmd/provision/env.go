package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/suggest"
)

type envOptions struct {
	io        IOStreams
	conn      connFlags
	Path      string
	App       string
	Output    string
	Out       string
	OutputDir string
}

func newEnvCmd(streams IOStreams) *cobra.Command {
	o := &envOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "env -f PATH --app SLUG [--output NAME] [--out FILE]",
		Short: "Print (or write) the settings an application's client needs, from authentik",
		Long: `env reads authentik and prints the settings the application's client needs.
It changes nothing in authentik.

For an application with outputs (presets: ` + presetList() + `): each
output's settings in its format (dotenv as KEY=VALUE lines, unquoted), or only
the output named by --output. With --out it updates that file instead (one
output), keeping every other line and the secrets provision generated before
(such as a session secret).

For any other application, what its provider's client needs: for SAML the
IdP metadata URL, SSO URLs and issuer (SAML_*); for OAuth2 the issuer, client
ID and secret and endpoints (OIDC_*); for LDAP the base DN (LDAP_*).
"provision show" prints the same as a readable list.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	manifestFlag(cmd, &o.Path)
	o.conn.register(cmd)
	cmd.Flags().StringVar(&o.App, "app", "", "application slug (required)")
	cmd.Flags().StringVar(&o.Output, "output", "", "only this output of the application (its name under outputs:)")
	cmd.Flags().StringVar(&o.Out, "out", "", "update this file instead of printing")
	outputDirFlag(cmd, &o.OutputDir)
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

func (o *envOptions) run(ctx context.Context) error {
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
		return providerReads(m, a)
	}
	st, err := loadAppIn(ctx, o.io, &o.conn, o.Path, o.OutputDir, o.App, needs)
	if err != nil {
		return err
	}
	a, c, live := st.app, st.client, st.live
	public := outputs.PublicURL(st.manifest, c.BaseURL())
	if !hasOutputs(a) {
		if o.Out != "" {
			return fmt.Errorf("application %q has no outputs; --out writes an output's file only (print the settings without --out)", a.Slug)
		}
		facts, err := outputs.Facts(public, live, a.Slug)
		if err != nil {
			return err
		}
		for _, f := range facts {
			if f.Sensitive {
				o.io.allowPrinted(f.Value) // env's output is the client's configuration
			}
			fmt.Fprintf(o.io.Out, "%s=%s\n", f.Key, f.Value)
		}
		return nil
	}
	rs, err := outputs.Resolve(a, outputOptions(st.manifest, o.io, o.OutputDir, c.BaseURL()))
	if err != nil {
		return err
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
			return fmt.Errorf("%s", msg)
		}
		rs = chosen
	}
	if o.Out != "" && len(rs) > 1 {
		return fmt.Errorf("application %q has %d outputs; choose the one --out writes with --output NAME", a.Slug, len(rs))
	}
	values, err := outputs.LiveValues(public, a, live)
	if err != nil {
		return err
	}
	for i, r := range rs {
		var keep *outputs.Target
		if o.Out != "" {
			// "./-": a file named "-" (Confine reads a bare "-" as stdout).
			t, err := outputs.Confine(filepath.Dir(o.Out), "."+string(filepath.Separator)+filepath.Base(o.Out), false)
			if err != nil {
				return err
			}
			keep = &t
		}
		vars, err := outputs.VarsFor(r, values, keep, o.io.Random)
		if err != nil {
			return err
		}
		// env's output is the client's configuration, secrets included;
		// written to --out, they stay out of what is printed.
		secretHook(o.io)(o.Out == "", outputs.Secrets(vars)...)
		if o.Out != "" {
			existed := keep.Exists()
			changed, err := outputs.WriteTarget(r, *keep, vars)
			if err != nil {
				return err
			}
			if changed {
				verb := "updated"
				if !existed {
					verb = "created"
				}
				fmt.Fprintf(o.io.Out, "%s: %s (%d settings)\n", o.Out, verb, len(vars))
			} else {
				fmt.Fprintf(o.io.Out, "%s: unchanged\n", o.Out)
			}
			return nil
		}
		if len(rs) > 1 {
			if i > 0 {
				fmt.Fprintln(o.io.Out)
			}
			fmt.Fprintf(o.io.Out, "# output %s (%s, %s)\n", r.Name, r.Preset.Name(), r.Format.Name())
		}
		if r.Format.Name() == "dotenv" {
			for _, v := range vars {
				fmt.Fprintf(o.io.Out, "%s=%s\n", v.Key, v.Value)
			}
			continue
		}
		b, err := outputs.Render(r, vars)
		if err != nil {
			return err
		}
		_, _ = o.io.Out.Write(b)
	}
	return nil
}
