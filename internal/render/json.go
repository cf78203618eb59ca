package render

import (
	"encoding/json"
	"io"

	"github.com/provision/provision/internal/plan"
)

// jsonPlan is the stable machine-readable form of a plan. Its shape changes
// only together with plan.FormatVersion.
type jsonPlan struct {
	FormatVersion string `json:"format_version"`
	// RunsOnServer says some change sets code that authentik executes, so
	// a pipeline can require a second reviewer. Absent when false.
	RunsOnServer bool         `json:"runs_on_server,omitempty"`
	Changes      []jsonChange `json:"changes"`
	Summary      jsonSummary  `json:"summary"`
	// Ownership is present when the manifest names a stack (ownership.go).
	Ownership *jsonOwnership `json:"ownership,omitempty"`
	// Kept: see plan.Plan.Kept. Absent when empty.
	Kept []jsonKept `json:"kept,omitempty"`
	// Warnings: see plan.Plan.Warnings. Absent when empty.
	Warnings []string `json:"warnings,omitempty"`
	// Outputs are the client-settings destinations apply would write
	// (plan.OutputChange); absent when none.
	Outputs []jsonOutput `json:"outputs,omitempty"`
}

type jsonChange struct {
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	Action string `json:"action"`
	// MovedFrom is the old key of an object renamed in place (moved:).
	MovedFrom string      `json:"moved_from,omitempty"`
	ID        string      `json:"id,omitempty"`
	Source    string      `json:"source,omitempty"`
	Fields    []jsonField `json:"fields"`
	Notes     []string    `json:"notes,omitempty"`
	// RunsOnServer: a field of this change is code authentik executes.
	RunsOnServer bool `json:"runs_on_server,omitempty"`
	// Warnings: see plan.Change.Warnings.
	Warnings []string `json:"warnings,omitempty"`
}

// jsonField leaves Before/After out for sensitive fields.
type jsonField struct {
	Field     string `json:"field"`
	Before    any    `json:"before,omitempty"`
	After     any    `json:"after,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
	// BeforeSensitive: before is left out (a live value under a key that
	// looks secret); after is shown.
	BeforeSensitive bool `json:"before_sensitive,omitempty"`
	// RunsOnServer: the value is code authentik executes, shown whole.
	RunsOnServer bool `json:"runs_on_server,omitempty"`
}

type jsonSummary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
}

// JSON writes the plan as indented JSON with a format_version.
func JSON(w io.Writer, p *plan.Plan) error {
	out := jsonPlan{FormatVersion: plan.FormatVersion, Changes: []jsonChange{}}
	for _, c := range p.Changes {
		jc := jsonChange{Kind: c.Kind.String(), Key: c.Key, Action: string(c.Action), MovedFrom: c.MovedFrom, ID: c.ID, Source: c.Source, Fields: []jsonField{}, Notes: c.Notes, Warnings: c.Warnings}
		for _, f := range c.Fields {
			jf := jsonField{Field: f.Field, Sensitive: f.Sensitive, RunsOnServer: f.RunsOnServer}
			if f.RunsOnServer {
				jc.RunsOnServer, out.RunsOnServer = true, true
			}
			if !f.Sensitive {
				jf.Before, jf.After = f.Before, f.After
			}
			if f.BeforeSensitive {
				jf.Before, jf.BeforeSensitive = nil, true
			}
			jc.Fields = append(jc.Fields, jf)
		}
		out.Changes = append(out.Changes, jc)
	}
	out.Summary.Add, out.Summary.Change, out.Summary.Destroy = p.Summary()
	out.Ownership = ownershipJSON(p.Ownership)
	out.Warnings = p.Warnings
	for _, k := range p.Kept {
		out.Kept = append(out.Kept, jsonKept{Kind: k.Kind.String(), Key: k.Key, Source: k.Source, Reason: k.Reason})
	}
	out.Outputs = outputsJSON(p)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// JSONError writes an error as JSON ({"format_version", "error"}), for a
// command whose -o json output failed.
func JSONError(w io.Writer, err error) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		FormatVersion string `json:"format_version"`
		Error         string `json:"error"`
	}{plan.FormatVersion, err.Error()})
}
