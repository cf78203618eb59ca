package operation

import (
	"bytes"
	"context"

	"github.com/provision/provision/internal/outputs"
)

// checkOutputsLive checks every output with the values authentik holds
// (an existing client secret...), before apply writes anything.
func checkOutputsLive(st *State, d Deps, dir string) error {
	opts := outputOptions(st.Manifest, d, dir, st.Client.BaseURL())
	opts.Live = st.Live
	return outputs.CheckManifest(st.Manifest, opts)
}

// previewOutputs adds to st's plan the client settings apply would write
// (outputs.Preview): a plan shows them, --detailed-exitcode counts them
// and a saved plan fingerprints them.
func previewOutputs(st *State, d Deps, dir string) error {
	opts := outputOptions(st.Manifest, d, dir, st.Client.BaseURL())
	opts.Live = st.Live
	out, err := outputs.Preview(st.Manifest, opts)
	if err != nil {
		return err
	}
	st.Plan.Outputs = out
	return nil
}

// WriteOutputs writes every application output that names a file, from
// st's live state (read after apply), then the outposts' and tokens'
// token outputs. Unchanged files are not rewritten. It returns what it
// wrote and what it reports (each file's line, and the outputs with file
// "-"), for stdout; on an error, what was written before it.
func WriteOutputs(ctx context.Context, d Deps, st *State, dir string) ([]outputs.Written, []byte, error) {
	var printed bytes.Buffer
	m, c := st.Manifest, st.Client
	// Every secret an output handles is registered with the redactor,
	// printed or not: apply's job is to write files, so an output with
	// file "-" prints its secrets masked in the job's log.
	masked := func(_ bool, values ...string) { d.Secret(values...) }
	written, err := outputs.Write(m, outputOptions(m, d, dir, c.BaseURL()), st.Live, d.Random, &printed, masked)
	if err != nil {
		return written, printed.Bytes(), err
	}
	// The outposts' token outputs (AUTHENTIK_HOST, AUTHENTIK_TOKEN for the
	// outpost's deployment), reading each token's key.
	token := func(uuid string) (string, error) { return c.OutpostToken(ctx, uuid) }
	more, err := outputs.WriteOutpostTokens(m, outputOptions(m, d, dir, c.BaseURL()), st.Live, token, &printed, d.secretHook())
	written = append(written, more...)
	if err != nil {
		return written, printed.Bytes(), err
	}
	// Token entries' token outputs (AUTHENTIK_TOKEN, AUTHENTIK_URL).
	key := func(identifier string) (string, error) { return c.TokenKey(ctx, identifier) }
	more, err = outputs.WriteTokenOutputs(m, outputOptions(m, d, dir, c.BaseURL()), c.BaseURL(), key, &printed, d.secretHook())
	return append(written, more...), printed.Bytes(), err
}

// secretHook registers the secrets outputs handle with the redactor; those
// an output prints on purpose (file "-") are exempted, as env's are.
func (d Deps) secretHook() outputs.SecretHook {
	return func(printed bool, values ...string) {
		if printed {
			d.AllowPrinted(values...)
		} else {
			d.Secret(values...)
		}
	}
}
