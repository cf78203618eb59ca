package authentik_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
	"github.com/provision/provision/internal/plan"
)

func TestDeleteOfAnObjectAlreadyGoneSucceeds(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	c := newClient(t, srv.URL, emu.Token())
	for _, ch := range []plan.Change{
		{Kind: plan.KindGroup, Key: "g", Action: plan.Delete, ID: "00000000-0000-0000-0000-000000000001"},
		{Kind: plan.KindApplication, Key: "a", Action: plan.Delete, ID: "a"},
		{Kind: plan.KindProvider, Key: "p", Action: plan.Delete, ID: "999"},
		{Kind: plan.KindOutpost, Key: "o", Action: plan.Delete, ID: "00000000-0000-0000-0000-000000000002"},
	} {
		assert.NoError(t, c.Executor().Execute(context.Background(), &ch, plan.NewIDs(&plan.Live{})), "%s", ch.Kind)
	}
	assert.Equal(t, 4, emu.Count("DELETE", "/api/v3/"))
}

func TestExecutorErrorsNameTheObjectAndAuthentiksMessage(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	c := newClient(t, srv.URL, emu.Token())
	ids := plan.NewIDs(&plan.Live{})
	create := &plan.Change{Kind: plan.KindGroup, Key: "dup", Action: plan.Create, Spec: plan.NewEntrySpec("group", map[string]any{"name": "dup"})}
	require.NoError(t, c.Executor().Execute(context.Background(), create, ids))
	err := c.Executor().Execute(context.Background(), create, ids)
	require.Error(t, err)
	assert.Equal(t, `create group "dup": authentik answered HTTP 400: name: Group with this name already exists.`, err.Error())

	app := &plan.Change{Kind: plan.KindApplication, Key: "a", Action: plan.Create, Spec: &plan.ApplicationSpec{Slug: "a", Name: ptr("A"), Provider: ptr("missing")}}
	err = c.Executor().Execute(context.Background(), app, ids)
	assert.EqualError(t, err, `create application "a": provider "missing" does not exist in authentik`)
}

func ptr(s string) *string { return &s }
