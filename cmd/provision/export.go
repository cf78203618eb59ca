package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/operation"
)

type exportOptions struct {
	io  IOStreams
	ctx context.Context
	operation.ExportOptions
	Format string // -o/--format
}

func newExportCmd(streams IOStreams, runF func(*exportOptions) error) *cobra.Command {
	o := &exportOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "export (--app SLUG ... | --flow SLUG ... | --all) [--out FILE]",
		Short: "Write a manifest of what exists in authentik",
		Long: `export reads authentik and writes a manifest (YAML) of live objects: with
--app, each application with its provider, access groups, outpost attachments
and custom scope mappings; with --flow, each flow with its stage bindings and
the stages and prompts they use (authentik's own are named, not exported);
with --all, every application, provider, custom scope mapping and outpost,
and every flow, stage and prompt authentik's blueprints did not create. It uses the manifest's conventions: names and
slugs, no pks, defaults left out. Secrets are left out, with a comment on how
to supply them; their absence is not a change. What a manifest cannot express
(other provider types, negated or disabled group access, ...) is listed on stderr.
"provision plan" of the result shows no changes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch o.Format {
			case "yaml":
			case "json", "text", "markdown":
				return &usageError{Err: fmt.Errorf("unknown output format %q: export writes a manifest, in YAML (-o yaml, the default)", o.Format)}
			default:
				// -o FILE, the old spelling of --out FILE.
				if o.Out != "" {
					return &usageError{Err: fmt.Errorf("unknown output format %q: use -o yaml, and --out for the file", o.Format)}
				}
				fmt.Fprintf(o.io.ErrOut, "Warning: -o %s as a file is the old spelling of --out %s, and goes away in the next release (-o now names a format).\n", o.Format, o.Format)
				o.Out = o.Format
			}
			if err := o.Validate(); err != nil {
				return err
			}
			o.ctx = cmd.Context()
			if runF != nil {
				return runF(o)
			}
			return exportRun(o)
		},
	}
	connFlags(cmd, &o.Conn)
	cmd.Flags().StringArrayVar(&o.Apps, "app", nil, "application slug to export (repeatable)")
	cmd.Flags().StringArrayVar(&o.Flows, "flow", nil, "flow slug to export, with its stage bindings, stages and prompts (repeatable)")
	cmd.Flags().BoolVar(&o.All, "all", false, "export every application, provider, custom scope mapping and outpost")
	cmd.Flags().StringVar(&o.Out, "out", "", "write to this file instead of stdout")
	cmd.Flags().StringVarP(&o.Format, "format", "o", "yaml", "output format: yaml (the only one: a manifest)")
	return cmd
}

func exportRun(o *exportOptions) error {
	res, err := operation.Export(o.ctx, o.io.ops(), o.ExportOptions)
	if res != nil {
		for _, s := range res.Skipped {
			fmt.Fprintln(o.io.ErrOut, "not exported: "+s)
		}
		if _, werr := o.io.Out.Write(res.YAML); err == nil {
			err = werr
		}
	}
	return err
}
