package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/librechat"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
)

type envOptions struct {
	io   IOStreams
	conn connFlags
	Path string
	App  string
	Out  string
}

func newEnvCmd(streams IOStreams) *cobra.Command {
	o := &envOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "env -f PATH --app SLUG [--out FILE]",
		Short: "Print (or write) the settings an application's client needs, from authentik",
		Long: `env reads authentik and prints the settings the application's client needs,
as KEY=VALUE lines. It changes nothing in authentik.

For an application with a librechat output: LibreChat's settings (OPENID_*,
ALLOW_SOCIAL_LOGIN, DOMAIN_*), unquoted as LibreChat needs them. With --out it
updates only those keys in the file, keeping every other line, and keeps its
OPENID_SESSION_SECRET.

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
	cmd.Flags().StringVar(&o.Out, "out", "", "update this .env file instead of printing")
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

func (o *envOptions) run(ctx context.Context) error {
	needs := func(m *manifest.Manifest, a *manifest.Application) (plan.Reads, error) {
		if hasLibreChat(a) {
			return libreChatReads()(m, a)
		}
		return providerReads(m, a)
	}
	st, err := loadApp(ctx, o.io, &o.conn, o.Path, o.App, needs)
	if err != nil {
		return err
	}
	a, c, live := st.app, st.client, st.live
	if !hasLibreChat(a) {
		if o.Out != "" {
			return fmt.Errorf("application %q has no librechat output; --out writes LibreChat's .env only (print the settings without --out)", a.Slug)
		}
		facts, err := outputs.Facts(c.BaseURL(), live, a.Slug)
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
	keepFrom := o.Out
	if keepFrom == "" {
		keepFrom = outputs.EnvFile(a)
	}
	vars, err := envVars(o.io.Random, c, a, live, keepFrom)
	if err != nil {
		return err
	}
	if o.Out == "" {
		for _, v := range vars {
			if setting, known := librechat.Lookup(v.Key); known && setting.Secret {
				o.io.allowPrinted(v.Value) // env's output is LibreChat's configuration
			}
			fmt.Fprintf(o.io.Out, "%s=%s\n", v.Key, v.Value)
		}
		return nil
	}
	changed, err := dotenv.UpdateFile(o.Out, vars)
	if err != nil {
		return fmt.Errorf("write %s: %w", o.Out, err)
	}
	if changed {
		fmt.Fprintf(o.io.Out, "%s: updated %d settings\n", o.Out, len(vars))
	} else {
		fmt.Fprintf(o.io.Out, "%s: unchanged\n", o.Out)
	}
	return nil
}
