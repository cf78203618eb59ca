package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/outputs"
)

type showOptions struct {
	io     IOStreams
	conn   connFlags
	Path   string
	App    string
	Output string
}

func newShowCmd(streams IOStreams) *cobra.Command {
	o := &showOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "show -f PATH --app SLUG [-o text|json]",
		Short: "Show what an application's client needs from authentik (SAML metadata and SSO URLs, OIDC issuer, LDAP base DN)",
		Long: `show reads authentik and lists what the client of one application needs,
by its provider's type: for SAML the IdP metadata URL, the SSO URLs for the
POST and redirect bindings and the issuer; for OAuth2 the issuer, client ID
and endpoints (the client secret is not shown: use "provision env"); for
LDAP the base DN and the DNs under it. It changes nothing in authentik.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	manifestFlag(cmd, &o.Path)
	o.conn.register(cmd)
	cmd.Flags().StringVar(&o.App, "app", "", "application slug (required)")
	formatFlag(cmd, &o.Output, "text", "output format: text or json", streams)
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

func (o *showOptions) run(ctx context.Context) error {
	if o.Output != "text" && o.Output != "json" {
		return fmt.Errorf("unknown output format %q: use text or json", o.Output)
	}
	st, err := loadApp(ctx, o.io, &o.conn, o.Path, o.App, providerReads)
	if err != nil {
		return err
	}
	facts, err := outputs.Facts(outputs.PublicURL(st.manifest, st.client.BaseURL()), st.live, st.app.Slug)
	if err != nil {
		return err
	}
	for i := range facts {
		if facts[i].Sensitive {
			facts[i].Value = "(sensitive: provision env prints it)"
		}
	}
	if o.Output == "json" {
		enc := json.NewEncoder(o.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"application": st.app.Slug, "settings": facts})
	}
	fmt.Fprintf(o.io.Out, "Application %q (%s):\n\n", st.app.Slug, st.app.Name)
	w := tabwriter.NewWriter(o.io.Out, 0, 0, 2, ' ', 0)
	for _, f := range facts {
		fmt.Fprintf(w, "  %s\t%s\n", f.Label, f.Value)
	}
	return w.Flush()
}
