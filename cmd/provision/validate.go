package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

type validateOptions struct {
	io        IOStreams
	Path      string
	OutputDir string
}

func newValidateCmd(streams IOStreams) *cobra.Command {
	o := &validateOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "validate -f PATH",
		Short: "Check a manifest offline, reporting every problem with its file:line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := loadManifestIn(o.Path, o.io, o.OutputDir)
			if err != nil {
				return err
			}
			fmt.Fprintf(o.io.Out, "%s is valid: %d groups, %d providers, %d applications, %d outposts.\n",
				o.Path, len(m.Groups), len(m.Providers), len(m.Applications), len(m.Outposts))
			return nil
		},
	}
	manifestFlag(cmd, &o.Path)
	outputDirFlag(cmd, &o.OutputDir)
	return cmd
}
