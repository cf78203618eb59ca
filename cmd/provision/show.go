package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/operation"
)

type showOptions struct {
	io  IOStreams
	ctx context.Context
	operation.ShowOptions
	Output string
}

func newShowCmd(streams IOStreams, runF func(*showOptions) error) *cobra.Command {
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Output != "text" && o.Output != "json" {
				return fmt.Errorf("unknown output format %q: use text or json", o.Output)
			}
			o.ctx = cmd.Context()
			if runF != nil {
				return runF(o)
			}
			return showRun(o)
		},
	}
	manifestFlag(cmd, &o.Path)
	connFlags(cmd, &o.Conn)
	cmd.Flags().StringVar(&o.App, "app", "", "application slug (required)")
	formatFlag(cmd, &o.Output, "text", "output format: text or json", streams)
	_ = cmd.MarkFlagRequired("app")
	return cmd
}

func showRun(o *showOptions) error {
	app, facts, err := operation.Show(o.ctx, o.io.ops(), o.ShowOptions)
	if err != nil {
		return err
	}
	if o.Output == "json" {
		enc := json.NewEncoder(o.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"application": app.Slug, "settings": facts})
	}
	fmt.Fprintf(o.io.Out, "Application %q (%s):\n\n", app.Slug, app.Name)
	w := tabwriter.NewWriter(o.io.Out, 0, 0, 2, ' ', 0)
	for _, f := range facts {
		fmt.Fprintf(w, "  %s\t%s\n", f.Label, f.Value)
	}
	return w.Flush()
}
