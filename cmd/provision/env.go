package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/operation"
)

type envOptions struct {
	io  IOStreams
	ctx context.Context
	operation.EnvOptions
}

func newEnvCmd(streams IOStreams, runF func(*envOptions) error) *cobra.Command {
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.ctx = cmd.Context()
			if runF != nil {
				return runF(o)
			}
			return envRun(o)
		},
	}
	manifestFlag(cmd, &o.Path)
	connFlags(cmd, &o.Conn)
	cmd.Flags().StringVar(&o.App, "app", "", "application slug (required)")
	cmd.Flags().StringVar(&o.Output, "output", "", "only this output of the application (its name under outputs:)")
	cmd.Flags().StringVar(&o.Out, "out", "", "update this file instead of printing")
	outputDirFlag(cmd, &o.OutputDir)
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

func envRun(o *envOptions) error {
	env, err := operation.RunEnv(o.ctx, o.io.ops(), o.EnvOptions)
	if err != nil {
		return err
	}
	w := o.io.Out
	if env.Out != "" {
		if env.State == "unchanged" {
			fmt.Fprintf(w, "%s: unchanged\n", env.Out)
		} else {
			fmt.Fprintf(w, "%s: %s (%d settings)\n", env.Out, env.State, env.Settings)
		}
		return nil
	}
	for _, f := range env.Facts {
		fmt.Fprintf(w, "%s=%s\n", f.Key, f.Value)
	}
	for i, out := range env.Outputs {
		if len(env.Outputs) > 1 {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "# output %s (%s, %s)\n", out.Name, out.Preset, out.Format)
		}
		if out.Format != "dotenv" {
			_, _ = w.Write(out.Rendered)
			continue
		}
		for _, v := range out.Vars {
			fmt.Fprintf(w, "%s=%s\n", v.Key, v.Value)
		}
	}
	return nil
}
