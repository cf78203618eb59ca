// Package operation runs provision's commands from options and
// dependencies: plan, apply, env, check, show, export and the stack state
// commands. cmd/provision keeps the flags, the streams, the prompt and the
// exit codes; an operation returns its result (a plan, an apply's
// outcome, a checklist, a manifest) for internal/render or the command to
// show. What an operation says while it works (a warning, a broken lock,
// --wait's progress, --debug's request log) goes to Deps.Log.
//
// The shape follows kubectl's Complete/Validate/Run and gh's runF: a
// command's constructor parses flags into an options struct, and its tests
// replace the run function to assert the parsed options with no HTTP.
package operation
