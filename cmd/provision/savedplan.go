package main

import (
	"errors"
	"fmt"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/planfile"
)

// savePlan writes the saved plan of `plan --out`. It says on stderr how
// to apply it, so stdout stays the plan itself (text, JSON or markdown).
func savePlan(streams IOStreams, st *state, manifestPath, out string) error {
	in, err := planInputs(streams, st, manifestPath)
	if err != nil {
		return err
	}
	f := planfile.New(in, out, "provision/"+buildVersion())
	if err := f.Write(out); err != nil {
		return err
	}
	fmt.Fprintf(streams.ErrOut, "Saved the plan to %s (no secrets in it). Apply exactly this plan with:\n  provision apply %s\n", out, out)
	return nil
}

// readSavedPlan reads apply's positional argument. A file that is not a
// saved plan is most likely a manifest given without -f.
func readSavedPlan(path string) (*planfile.File, error) {
	f, err := planfile.Read(path)
	if errors.Is(err, planfile.ErrNotPlan) {
		return nil, &usageError{fmt.Errorf("%s is not a saved plan; to apply a manifest use: provision apply -f %s", path, path)}
	}
	return f, err
}

// checkSavedPlan refuses a saved plan that no longer matches the manifest
// or authentik (see planfile.File.Check).
func checkSavedPlan(streams IOStreams, f *planfile.File, st *state, manifestPath string) error {
	now, err := planInputs(streams, st, manifestPath)
	if err != nil {
		return err
	}
	return f.Check(now)
}

// planInputs is what a saved plan is made from and checked against: the
// plan computed now, the manifest's digest and the run's redactor.
func planInputs(streams IOStreams, st *state, manifestPath string) (planfile.Inputs, error) {
	digest, err := manifest.Digest(manifestPath)
	if err != nil {
		return planfile.Inputs{}, err
	}
	return planfile.Inputs{
		Plan: st.plan, Live: st.live, ManifestPath: manifestPath, ManifestDigest: digest, Server: st.client.BaseURL(), Mask: mask(streams),
	}, nil
}

// mask is the run's redactor as a function, for what is written to files
// rather than printed (URL userinfo, the token, sensitive values, client
// secrets read).
func mask(streams IOStreams) func(string) string {
	return streams.Redactor.String // a nil Redactor still masks URL userinfo
}
