package emulator_test

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

func TestChaosInjectsEachFaultAndExemptsMarkedRequests(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []emulator.ChaosFault
	last := func() (emulator.ChaosFault, int) { mu.Lock(); defer mu.Unlock(); return seen[len(seen)-1], len(seen) }
	srv, emu, chaos := emulatortest.NewChaosServer(t, emulator.Options{}, emulator.ChaosOptions{Rate: 1, Seed: 7,
		OnFault: func(_, _ string, f emulator.ChaosFault) { mu.Lock(); seen = append(seen, f); mu.Unlock() }})
	post := func(name string, exempt bool) (int, error) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v3/core/groups/", bytes.NewBufferString(`{"name":"`+name+`"}`))
		req.Header.Set("Authorization", "Bearer "+emu.Token())
		req.Header.Set("Content-Type", "application/json")
		if exempt {
			req.Header.Set(emulator.NoFaultHeader, "1")
		}
		tr := &http.Transport{DisableKeepAlives: true}
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, _ = io.ReadAll(resp.Body)
		return resp.StatusCode, nil
	}
	groupsBefore := emu.Counts()["group"]
	processed := 0
	for i := range 40 {
		status, err := post("g"+string(rune('a'+i%26))+string(rune('a'+i/26)), false)
		f, _ := last()
		switch f {
		case emulator.ChaosStatusBefore:
			require.NoError(t, err)
			assert.GreaterOrEqual(t, status, 500)
		case emulator.ChaosStatusAfter:
			require.NoError(t, err)
			assert.Equal(t, http.StatusBadGateway, status)
			processed++
		case emulator.ChaosResetBefore:
			assert.Error(t, err)
		case emulator.ChaosResetAfter:
			assert.Error(t, err)
			processed++
		}
	}
	counts := chaos.Counts()
	for _, f := range []emulator.ChaosFault{emulator.ChaosStatusBefore, emulator.ChaosResetBefore, emulator.ChaosResetAfter, emulator.ChaosStatusAfter} {
		assert.Positive(t, counts[f], "fault %s was injected", f)
	}
	// Faults after processing did write; faults before did not.
	assert.Equal(t, groupsBefore+processed, emu.Counts()["group"])

	status, err := post("exempt", true)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, status)
	_, n := last()
	assert.Equal(t, 40, n, "the exempt request was not faulted")
}

func TestChaosRateIsTheFractionOfFaultedRequests(t *testing.T) {
	t.Parallel()
	srv, emu, chaos := emulatortest.NewChaosServer(t, emulator.Options{}, emulator.ChaosOptions{Rate: 0.2, Seed: 3})
	const n = 500
	for range n {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v3/root/config/", nil)
		req.Header.Set("Authorization", "Bearer "+emu.Token())
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
	}
	total := 0
	for _, c := range chaos.Counts() {
		total += c
	}
	assert.InDelta(t, 0.2*n, total, 0.05*n, "faulted %d of %d", total, n)
}
