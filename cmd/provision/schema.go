package main

import (
	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/schema"
)

func newSchemaCmd(streams IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the manifest's JSON Schema (draft 2020-12), for editors and CI",
		Long: `schema prints the JSON Schema of the manifest: every field, its type, the
values authentik accepts for enum fields, and a description. It is the same
as manifest.schema.json in the repository. Point an editor at it with a first
line such as "# yaml-language-server: $schema=manifest.schema.json".`,
		Example: `  provision schema > manifest.schema.json
  # then, on the manifest's first line:
  # yaml-language-server: $schema=manifest.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			b, err := schema.JSON()
			if err != nil {
				return err
			}
			_, err = streams.Out.Write(b)
			return err
		},
	}
}
