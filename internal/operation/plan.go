package operation

import (
	"context"
	"errors"
	"fmt"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/planfile"
)

// PlanOptions are plan's: the manifest, the connection, where outputs go,
// what the plan may touch.
type PlanOptions struct {
	Conn      Conn
	Path      string
	OutputDir string
	Scope     Scope
}

// Scope limits a plan (plan.Options): --no-prune keeps what the stack
// owns and the manifest dropped; --target KIND/KEY (repeatable) limits it
// to those objects and what they reference.
type Scope struct {
	NoPrune bool
	Targets []string
}

// Whole reports whether the scope limits nothing.
func (s Scope) Whole() bool { return !s.NoPrune && len(s.Targets) == 0 }

// options are the plan options the scope asks for.
func (s Scope) options() (plan.Options, error) {
	o := plan.Options{NoPrune: s.NoPrune}
	for _, t := range s.Targets {
		pt, err := plan.ParseTarget(t)
		if err != nil {
			return plan.Options{}, &UsageError{Err: err}
		}
		o.Targets = append(o.Targets, pt)
	}
	return o, nil
}

// Plan loads the manifest, reads authentik and computes the plan, with the
// client settings apply would write (every output checked with
// authentik's values first).
func Plan(ctx context.Context, d Deps, o PlanOptions) (*State, error) {
	m, err := LoadManifest(d, o.Path, o.OutputDir, nil)
	if err != nil {
		return nil, LiveHints(ctx, d, o.Conn, err)
	}
	c, err := Connect(ctx, d, o.Conn)
	if err != nil {
		return nil, err
	}
	opts, err := o.Scope.options()
	if err != nil {
		return nil, err
	}
	st, err := ComputePlan(ctx, m, c, opts)
	if err != nil {
		return nil, err
	}
	if err := checkOutputsLive(st, d, o.OutputDir); err != nil {
		return nil, err
	}
	if err := previewOutputs(st, d, o.OutputDir); err != nil {
		return nil, err
	}
	return st, nil
}

// SavePlan writes the saved plan of `plan --out` (no secrets: the
// manifest's digest, the changes, fingerprints of the live objects read);
// producer is "provision/VERSION".
func SavePlan(d Deps, st *State, manifestPath, out, producer string) error {
	in, err := planInputs(d, st, manifestPath)
	if err != nil {
		return err
	}
	return planfile.New(in, out, producer).Write(out)
}

// readSavedPlan reads apply's positional argument. A file that is not a
// saved plan is most likely a manifest given without -f.
func readSavedPlan(path string) (*planfile.File, error) {
	f, err := planfile.Read(path)
	if errors.Is(err, planfile.ErrNotPlan) {
		return nil, &UsageError{fmt.Errorf("%s is not a saved plan; to apply a manifest use: provision apply -f %s", path, path)}
	}
	return f, err
}

// checkSavedPlan refuses a saved plan that no longer matches the manifest
// or authentik (see planfile.File.Check).
func checkSavedPlan(d Deps, f *planfile.File, st *State, manifestPath string) error {
	now, err := planInputs(d, st, manifestPath)
	if err != nil {
		return err
	}
	return f.Check(now)
}

// planInputs is what a saved plan is made from and checked against: the
// plan computed now, the manifest's digest and the run's redactor.
func planInputs(d Deps, st *State, manifestPath string) (planfile.Inputs, error) {
	digest, err := manifest.Digest(manifestPath)
	if err != nil {
		return planfile.Inputs{}, err
	}
	return planfile.Inputs{
		Plan: st.Plan, Live: st.Live, ManifestPath: manifestPath, ManifestDigest: digest, Server: st.Client.BaseURL(), Mask: d.Mask,
	}, nil
}
