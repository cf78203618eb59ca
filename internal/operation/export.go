package operation

import (
	"context"
	"errors"

	"github.com/provision/provision/internal/atomicfile"
	"github.com/provision/provision/internal/export"
)

// ExportOptions are export's.
type ExportOptions struct {
	Conn  Conn
	Apps  []string
	Flows []string
	All   bool
	// Out is the file to write; "" and "-" return the manifest to print.
	Out string
}

// Validate checks the options before anything is read.
func (o ExportOptions) Validate() error {
	if o.All == (len(o.Apps)+len(o.Flows) > 0) {
		return &UsageError{errors.New("give --app SLUG or --flow SLUG (each repeatable), or --all")}
	}
	return nil
}

// Export reads authentik and returns live objects as a manifest, and
// what a manifest cannot express; with Out it writes the manifest there
// (masked by the run's redactor, as stdout would be) and returns it
// without YAML.
func Export(ctx context.Context, d Deps, o ExportOptions) (*export.Result, error) {
	c, err := Connect(ctx, d, o.Conn)
	if err != nil {
		return nil, err
	}
	live, err := c.Snapshot(ctx, export.Reads())
	if err != nil {
		return nil, err
	}
	res, err := export.Export(live, export.Options{Apps: o.Apps, Flows: o.Flows, All: o.All, Source: c.BaseURL()})
	if err != nil {
		return nil, err
	}
	if o.Out == "" || o.Out == "-" {
		return res, nil
	}
	err = atomicfile.Write(o.Out, []byte(d.Mask(string(res.YAML))), 0o600)
	res.YAML = nil
	return res, err
}
