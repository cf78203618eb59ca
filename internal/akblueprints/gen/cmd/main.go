// Command cmd writes akblueprints' files.go: cmd <blueprints dir> <output>.
package main

import (
	"fmt"
	"os"

	"github.com/provision/provision/internal/akblueprints/gen"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: cmd <blueprints dir> <output file>")
		os.Exit(2)
	}
	src, err := gen.Generate(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[2], src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
