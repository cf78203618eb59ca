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
			fmt.Fprintf(o.io.Out, "%s is valid: %s, %s, %s, %s.\n", o.Path,
				count(len(m.Groups), "group"), count(len(m.Providers), "provider"),
				count(len(m.Applications), "application"), count(len(m.Outposts), "outpost"))
			openAppNotes(o.io, m, nil)
			return nil
		},
	}
	manifestFlag(cmd, &o.Path)
	outputDirFlag(cmd, &o.OutputDir)
	return cmd
}

// count is "1 group", "2 groups".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
