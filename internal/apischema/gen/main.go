// Command gen writes internal/apischema's table of request bodies from
// authentik's schema.yml (the one in the module cache of the pinned
// goauthentik.io/api/v3, or $PROVISION_AUTHENTIK_SCHEMA).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/provision/provision/internal/apischema/gen/genlib"
	"github.com/provision/provision/internal/emulator/contract"
)

func main() {
	out := flag.String("o", "zz_generated.go", "output file")
	flag.Parse()
	path, err := contract.SchemaPath()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	src, err := genlib.Generate(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
