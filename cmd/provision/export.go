package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/atomicfile"
	"github.com/provision/provision/internal/export"
)

type exportOptions struct {
	io     IOStreams
	conn   connFlags
	Apps   []string
	All    bool
	Output string
}

func newExportCmd(streams IOStreams) *cobra.Command {
	o := &exportOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "export (--app SLUG ... | --all) [--out FILE]",
		Short: "Write a manifest of what exists in authentik",
		Long: `export reads authentik and writes a manifest (YAML) of live objects: with
--app, each application with its provider, access groups, outpost attachments
and custom scope mappings; with --all, every application, provider, custom
scope mapping and outpost. It uses the manifest's conventions: names and
slugs, no pks, defaults left out. Secrets are left out, with a comment on how
to supply them; their absence is not a change. What a manifest cannot express
(other provider types, policy and user bindings, ...) is listed on stderr.
"provision plan" of the result shows no changes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch o.Output {
			case "json", "yaml", "text", "markdown":
				return &usageError{fmt.Errorf("export writes YAML only, and -o names the file to write: -o %s.yaml", o.Output)}
			}
			if o.All == (len(o.Apps) > 0) {
				return &usageError{fmt.Errorf("give --app SLUG (repeatable) or --all")}
			}
			c, err := o.conn.client(o.io)
			if err != nil {
				return err
			}
			live, err := c.Snapshot(cmd.Context(), export.Reads())
			if err != nil {
				return err
			}
			res, err := export.Export(live, export.Options{Apps: o.Apps, All: o.All, Source: c.BaseURL()})
			if err != nil {
				return err
			}
			for _, s := range res.Skipped {
				fmt.Fprintln(o.io.ErrOut, "not exported: "+s)
			}
			if o.Output == "" || o.Output == "-" {
				_, err := o.io.Out.Write(res.YAML)
				return err
			}
			// The file gets what stdout would: masked by the run's redactor.
			return atomicfile.Write(o.Output, []byte(mask(o.io)(string(res.YAML))), 0o644)
		},
	}
	o.conn.register(cmd)
	cmd.Flags().StringArrayVar(&o.Apps, "app", nil, "application slug to export (repeatable)")
	cmd.Flags().BoolVar(&o.All, "all", false, "export every application, provider, custom scope mapping and outpost")
	cmd.Flags().StringVarP(&o.Output, "out", "o", "", "write to this file instead of stdout (-o is short for --out here: export has one format, YAML)")
	return cmd
}
