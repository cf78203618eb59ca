package plan

// OutputChange is what apply would write to one client-settings
// destination: a file (several outputs may share one) or standard output.
// It is display data computed by the caller (internal/outputs.Preview)
// from the manifest, authentik's values and the file as it is now; apply
// computes and writes the settings again after the walk.
//
// Client settings are part of the plan because they are where a change to
// authentik's public_url, an output or a preset option takes effect: an
// issuer that points elsewhere sends the client's secret there.
type OutputChange struct {
	// Destination is the file's path, or "-" for standard output.
	Destination string
	// Format is dotenv, json or kubernetes-secret.
	Format string
	// Outputs names the outputs writing it: "<slug> output <name>".
	Outputs []string
	// Action is Create for a file that does not exist yet (and for
	// standard output), Update for one that does.
	Action Action
	// Settings are the keys that are added, changed or removed, by key.
	// Secret values are never held: Sensitive settings have none.
	Settings []SettingChange
}

// SettingChange is one key of an output destination.
type SettingChange struct {
	Key string
	// Action is Create (added), Update (changed) or Delete (removed).
	Action Action
	// Before and After are the values ("" when absent); both empty when
	// Sensitive. A value authentik has not generated yet reads
	// UnknownValue.
	Before, After string
	Sensitive     bool
}

// UnknownValue stands for a setting authentik generates at apply (the
// client id and secret of a provider the plan creates).
const UnknownValue = "(known after apply)"

// Persistent reports whether the change writes a file: standard output is
// shown in plans but changes nothing that stays, so it is not counted as
// a change.
func (o *OutputChange) Persistent() bool { return o.Destination != "-" }

// OutputsChange reports whether any output file would be written.
func (p *Plan) OutputsChange() bool {
	for i := range p.Outputs {
		if p.Outputs[i].Persistent() {
			return true
		}
	}
	return false
}
