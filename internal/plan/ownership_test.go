package plan

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
)

// Ownership, computed without HTTP: a manifest and a Live built here.

const (
	groupWiki   = "44444444-0000-0000-0000-000000000010"
	appWiki     = "55555555-0000-0000-0000-000000000010"
	outpostMine = "66666666-0000-0000-0000-000000000010"
	mappingMine = "22222222-0000-0000-0000-000000000010"
)

// teamManifest is chatManifest owned by stack "team".
var teamManifest = "stack: team\n" + chatManifest

// chatOwned is what the team's record holds once chatManifest is applied
// by it on a fresh authentik.
func chatOwned() []Owned {
	return []Owned{
		{Kind: KindGroup, Key: "users", Created: true},
		{Kind: KindProvider, Key: "chat", Created: true},
		{Kind: KindApplication, Key: "chat", Created: true},
		{Kind: KindAccess, Key: "chat", Group: "users", Created: true},
	}
}

// wikiLive is convergedLive plus what a former "wiki" entry of the team
// created: a group, a proxy provider on its own outpost and on the
// embedded one, an application bound to both groups, a scope mapping.
func wikiLive() *Live {
	l := convergedLive()
	l.Put(KindGroup, GroupObjects(Group{PK: groupWiki, Name: "wiki-editors"})...)
	l.Objects[KindScopeMapping] = append(l.Objects[KindScopeMapping], ScopeMappingObject(ScopeMapping{PK: mappingMine, Name: "wiki roles", ScopeName: "roles", Expression: "return {}"}))
	l.Providers = append(l.Providers, Provider{PK: 9, Name: "wiki", Type: "proxy", Detail: &ProxyDetail{ExternalHost: "https://wiki.example.com", Mode: "forward_single"}})
	l.Applications = append(l.Applications, Application{PK: appWiki, Slug: "wiki", Name: "Wiki", Provider: 9, PolicyEngineMode: "any"})
	l.Bindings = append(l.Bindings,
		Binding{PK: "b2", Target: appWiki, Group: groupWiki},
		Binding{PK: "b3", Target: appWiki, Group: groupUsers, Order: 1})
	l.Outposts = append(l.Outposts, Outpost{PK: outpostMine, Name: "wiki outpost", Type: "proxy", Providers: []int32{9}})
	l.Outposts[0].Providers = []int32{9}
	return l
}

func wikiOwned() []Owned {
	return append(chatOwned(),
		Owned{Kind: KindGroup, Key: "wiki-editors", Created: true},
		Owned{Kind: KindScopeMapping, Key: "wiki roles", Created: true},
		Owned{Kind: KindProvider, Key: "wiki", Created: true},
		Owned{Kind: KindApplication, Key: "wiki", Created: true},
		Owned{Kind: KindAccess, Key: "wiki", Group: "wiki-editors", Created: true},
		Owned{Kind: KindAccess, Key: "wiki", Group: "users", Created: true},
		Owned{Kind: KindOutpost, Key: "wiki outpost", Created: true},
		Owned{Kind: KindAttachment, Key: "wiki outpost", Provider: "wiki", Created: true},
		Owned{Kind: KindAttachment, Key: "authentik Embedded Outpost", Provider: "wiki", Created: true},
	)
}

// keepManifest is teamManifest plus a proxy provider "keep".
var keepManifest = strings.Replace(teamManifest, "providers:\n", `providers:
  - name: keep
    type: proxy
    external_host: https://keep.example.com
    mode: forward_single
`, 1)

// keepLive is convergedLive with "keep" converged, and a provider of
// someone else's.
func keepLive() *Live {
	l := convergedLive()
	l.Providers = append(l.Providers,
		Provider{PK: 10, Name: "keep", Type: "proxy", AuthorizationFlow: flowImplicit, InvalidationFlow: flowInvalidate, PropertyMappings: []string{scopeProxy},
			Detail: &ProxyDetail{ExternalHost: "https://keep.example.com", Mode: "forward_single", InternalHostSSLValidation: true, InterceptHeaderAuth: true, AccessTokenValidity: "hours=1", RefreshTokenValidity: "days=30"}},
		Provider{PK: 11, Name: "someone else's", Type: "proxy"})
	return l
}

func withRecords(l *Live, records ...StackRecord) *Live {
	l.Stacks = append(l.Stacks, records...)
	return l
}

// changeLines renders changes with their notes and, for an update, the
// field changes: "delete application wiki [no longer in the manifest]".
func changeLines(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		line := fmt.Sprintf("%s %s %s", c.Action, c.Kind, c.Key)
		if c.Action == Update || c.Kind == KindAccess {
			for _, f := range c.Fields {
				line += fmt.Sprintf(" | %s %v->%v", f.Field, f.Before, f.After)
			}
		}
		if len(c.Notes) > 0 {
			line += " [" + strings.Join(c.Notes, "; ") + "]"
		}
		out = append(out, line)
	}
	return out
}

func ownedLines(os []Owned) []string {
	var out []string
	for _, o := range os {
		s := o.String()
		if o.Created {
			s += " (created)"
		}
		out = append(out, s)
	}
	return out
}

func releasedLines(rs []Released) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.String()+": "+r.Reason)
	}
	return out
}

func TestOwnership(t *testing.T) {
	t.Parallel()
	prune := " [" + PruneNote + "]"
	cases := map[string]struct {
		reason   string
		manifest string
		live     func() *Live
		changes  []string
		adopt    []string
		release  []string
		err      []string // substrings of the error; nil: no error
	}{
		"AdoptsWhatExists": {
			reason:   "objects a stack declares that exist and no record holds are adopted, not created, not marked created",
			manifest: teamManifest, live: convergedLive,
			adopt: []string{`access binding of group "users" to application "chat"`, `application "chat"`, `group "users"`, `provider "chat"`},
		},
		"CreatesAreNotAdoptions": {
			reason:   "on a fresh authentik nothing is adopted: everything is created",
			manifest: teamManifest, live: freshLive,
			changes: []string{"create group users", "create provider chat", "create application chat", "create access chat | groups <nil>->[users]"},
		},
		"OwnedAndConverged": {
			reason:   "a record matching the manifest gives an empty plan",
			manifest: teamManifest,
			live: func() *Live {
				return withRecords(convergedLive(), StackRecord{PK: "r1", Stack: "team", Objects: chatOwned()})
			},
		},
		"PrunesEveryKind": {
			reason:   "what the stack owns and no longer declares is deleted, in reverse registry order",
			manifest: teamManifest,
			live: func() *Live {
				return withRecords(wikiLive(), StackRecord{PK: "r1", Stack: "team", Objects: wikiOwned()})
			},
			changes: []string{
				// the attachments go with the provider (authentik drops a deleted provider from its outposts)
				"delete outpost wiki outpost" + prune,
				"delete access wiki | groups [users wiki-editors]-><nil>" + prune,
				"delete application wiki" + prune,
				"delete provider wiki" + prune,
				"delete scope mapping wiki roles" + prune,
				"delete group wiki-editors" + prune,
			},
		},
		"AdoptedGroupIsReleasedNotDeleted": {
			reason:   "a group the stack adopted (did not create) is dropped from the record and left in authentik",
			manifest: teamManifest,
			live: func() *Live {
				l := convergedLive()
				l.Put(KindGroup, GroupObjects(Group{PK: groupWiki, Name: "wiki-editors"})...)
				return withRecords(l, StackRecord{PK: "r1", Stack: "team", Objects: append(chatOwned(), Owned{Kind: KindGroup, Key: "wiki-editors"})})
			},
			release: []string{`group "wiki-editors": ` + PruneNote + "; adopted, not created by this stack, so left in authentik"},
		},
		"AdoptedProviderIsPruned": {
			reason:   "only groups are spared when adopted: an adopted application or provider the manifest drops is deleted",
			manifest: teamManifest,
			live: func() *Live {
				l := wikiLive()
				return withRecords(l, StackRecord{PK: "r1", Stack: "team", Objects: append(chatOwned(), Owned{Kind: KindProvider, Key: "wiki"})})
			},
			changes: []string{"delete provider wiki" + prune},
		},
		"ManagedOutpostIsReleased": {
			reason:   "authentik's embedded outpost is never deleted, even when a record names it",
			manifest: teamManifest,
			live: func() *Live {
				return withRecords(convergedLive(), StackRecord{PK: "r1", Stack: "team", Objects: append(chatOwned(), Owned{Kind: KindOutpost, Key: "authentik Embedded Outpost"})})
			},
			release: []string{`outpost "authentik Embedded Outpost": managed by authentik, never deleted`},
		},
		"UndeclaredOutpostLosesOnlyTheAttachment": {
			reason:   "a provider the stack attached to an outpost it does not own is detached, and the provider and outpost stay",
			manifest: keepManifest,
			live: func() *Live {
				l := keepLive()
				l.Outposts[0].Providers = []int32{10, 11}
				return withRecords(l, StackRecord{PK: "r1", Stack: "team", Objects: append(chatOwned(),
					Owned{Kind: KindProvider, Key: "keep"}, Owned{Kind: KindAttachment, Key: manifest.EmbeddedOutpostName, Provider: "keep"})})
			},
			changes: []string{"update outpost authentik Embedded Outpost | providers [keep someone else's]->[someone else's] [providers this stack attached are " + PruneNote + "]"},
		},
		"DeclaredOutpostDetachesWhatItNoLongerLists": {
			reason:   "a declared (not exclusive) outpost detaches only the providers this stack attached and dropped",
			manifest: keepManifest + "outposts:\n  - name: wiki outpost\n    type: proxy\n    providers: [keep]\n",
			live: func() *Live {
				l := keepLive()
				l.Outposts = append(l.Outposts, Outpost{PK: outpostMine, Name: "wiki outpost", Type: "proxy", Providers: []int32{9, 10, 11}})
				l.Providers = append(l.Providers, Provider{PK: 9, Name: "wiki", Type: "proxy"})
				return withRecords(l, StackRecord{PK: "r1", Stack: "team", Objects: append(chatOwned(),
					Owned{Kind: KindProvider, Key: "keep"}, Owned{Kind: KindOutpost, Key: "wiki outpost"},
					Owned{Kind: KindAttachment, Key: "wiki outpost", Provider: "keep"},
					Owned{Kind: KindAttachment, Key: "wiki outpost", Provider: "wiki"})})
			},
			changes: []string{"update outpost wiki outpost | providers [keep someone else's wiki]->[keep someone else's]"},
		},
		"HandDeletedObjectsAreReleased": {
			reason:   "record entries whose object is gone are dropped, with no change to authentik",
			manifest: teamManifest,
			live: func() *Live {
				return withRecords(convergedLive(), StackRecord{PK: "r1", Stack: "team", Objects: append(chatOwned(),
					Owned{Kind: KindApplication, Key: "gone", Created: true},
					Owned{Kind: KindAccess, Key: "chat", Group: "other", Created: true},
					Owned{Kind: KindAttachment, Key: "authentik Embedded Outpost", Provider: "chat", Created: true})})
			},
			release: []string{
				`access binding of group "other" to application "chat": deleted outside provision`,
				`application "gone": deleted outside provision`,
				`provider "chat" attached to outpost "authentik Embedded Outpost": deleted outside provision`,
			},
		},
		"OtherStacksObjectsAreLeftAlone": {
			reason:   "objects another stack owns are neither pruned nor adopted by this one",
			manifest: teamManifest,
			live: func() *Live {
				return withRecords(wikiLive(), StackRecord{PK: "r1", Stack: "team", Objects: chatOwned()}, StackRecord{PK: "r2", Stack: "docs", Objects: wikiOwned()[4:]})
			},
		},
		"ConflictNamesBothStacks": {
			reason:   "an object owned by another stack that this manifest declares is an error naming both and the release command",
			manifest: teamManifest,
			live: func() *Live {
				return withRecords(convergedLive(), StackRecord{PK: "r2", Stack: "docs", Objects: []Owned{{Kind: KindApplication, Key: "chat", Created: true}}})
			},
			err: []string{`m.yaml:`, `application "chat" is owned by stack "docs", and this manifest's stack "team" declares it too`, `provision state release --stack docs --kind "application" --key "chat"`},
		},
		"BrokenOwnRecordFails": {
			reason:   "the stack's own record unreadable: no plan (pruning from a guess would be unsafe), with the way out",
			manifest: teamManifest,
			live: func() *Live {
				return withRecords(convergedLive(), StackRecord{PK: "r1", Stack: "team", Err: errors.New("format 7, this build reads format 1")})
			},
			err: []string{`m.yaml:1:`, `the ownership record of stack "team"`, `provision-stack-team`, "format 7", "repair its context"},
		},
		"BrokenOtherRecordIsIgnored": {
			reason:   "another stack's unreadable record does not stop this stack",
			manifest: teamManifest,
			live: func() *Live {
				return withRecords(convergedLive(), StackRecord{PK: "r1", Stack: "team", Objects: chatOwned()}, StackRecord{PK: "r2", Stack: "docs", Err: errors.New("bad")})
			},
		},
		"AbsentIsDeletedOnce": {
			reason:   "an owned object marked state: absent is deleted by its own diff, not pruned a second time",
			manifest: teamManifest + "  - name: Wiki\n    slug: wiki\n    state: absent\n",
			live: func() *Live {
				return withRecords(wikiLive(), StackRecord{PK: "r1", Stack: "team", Objects: append(chatOwned(), Owned{Kind: KindApplication, Key: "wiki", Created: true})})
			},
			changes: []string{"delete application wiki"},
		},
		"NoStackPrunesNothing": {
			reason:   "without stack: records are not read into the plan and nothing is pruned",
			manifest: chatManifest,
			live: func() *Live {
				return withRecords(wikiLive(), StackRecord{PK: "r1", Stack: "team", Objects: wikiOwned()})
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Compute(load(t, tc.manifest), tc.live())
			if tc.err != nil {
				require.Error(t, err, tc.reason)
				for _, want := range tc.err {
					assert.Contains(t, err.Error(), want, tc.reason)
				}
				return
			}
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.changes, changeLines(p), tc.reason)
			if tc.manifest == chatManifest {
				assert.Nil(t, p.Ownership, tc.reason)
				return
			}
			require.NotNil(t, p.Ownership, tc.reason)
			assert.Equal(t, "team", p.Ownership.Stack)
			assert.Equal(t, tc.adopt, ownedLines(p.Ownership.Adopt), tc.reason)
			assert.Equal(t, tc.release, releasedLines(p.Ownership.Release), tc.reason)
			assert.Equal(t, len(tc.changes)+len(tc.adopt)+len(tc.release) > 0, p.HasChanges(), tc.reason)
		})
	}
}

// The prunes carry what apply needs: the pk to delete, the bindings to
// remove.
func TestOwnershipPruneSpecs(t *testing.T) {
	t.Parallel()
	p, err := Compute(load(t, teamManifest), withRecords(wikiLive(), StackRecord{PK: "r1", Stack: "team", Objects: wikiOwned()}))
	require.NoError(t, err)
	ids := map[string]string{}
	for _, c := range p.Changes {
		ids[string(c.Kind)+" "+c.Key] = c.ID
		if c.Kind == KindAccess {
			assert.Equal(t, &AccessSpec{AppSlug: "wiki", RemoveBindings: []string{"b2", "b3"}}, c.Spec)
		}
	}
	assert.Equal(t, map[string]string{
		"outpost wiki outpost": outpostMine, "access wiki": "",
		"application wiki": "wiki", "provider wiki": "9", "scope mapping wiki roles": mappingMine, "group wiki-editors": groupWiki,
	}, ids)
}

// The record apply writes: ahead of the walk, the previous record plus
// adoptions plus creates (marked created); after it, what the manifest
// declares and exists, keeping "created" from before.
func TestOwnershipRecord(t *testing.T) {
	t.Parallel()
	m := load(t, teamManifest)
	fresh := withRecords(freshLive(), StackRecord{PK: "r1", Stack: "team", Objects: []Owned{{Kind: KindApplication, Key: "gone", Created: true}}})
	p, err := Compute(m, fresh)
	require.NoError(t, err)
	ahead := WriteAhead(p)
	assert.Equal(t, []string{
		`access binding of group "users" to application "chat" (created)`, `application "chat" (created)`,
		`application "gone" (created)`, `group "users" (created)`, `provider "chat" (created)`,
	}, ownedLines(ahead), "a crash after any create leaves it owned")
	after := RecordAfter(m, convergedLive(), ahead)
	assert.Equal(t, ownedLines(sortedOwned(chatOwned())), ownedLines(after), "the deleted entry is gone, the created ones stay created")

	// Adopted objects are recorded as not created.
	p, err = Compute(m, convergedLive())
	require.NoError(t, err)
	ahead = WriteAhead(p)
	for _, o := range RecordAfter(m, convergedLive(), ahead) {
		assert.False(t, o.Created, o.String())
	}
	// The record then plans as converged.
	p, err = Compute(m, WithRecord(convergedLive(), "team", "r1", RecordAfter(m, convergedLive(), ahead)))
	require.NoError(t, err)
	assert.False(t, p.HasChanges())
}

func TestParseRecord(t *testing.T) {
	t.Parallel()
	good := RecordContext("team", chatOwned())
	r := ParseRecord("pk", RecordName("team"), good)
	require.NoError(t, r.Err)
	assert.Equal(t, "team", r.Stack)
	assert.ElementsMatch(t, chatOwned(), r.Objects)
	for name, ctx := range map[string]map[string]any{
		"other format": {"format": 2, "objects": []any{}},
		"unknown kind": {"format": 1, "objects": []any{map[string]any{"kind": "user", "key": "x"}}},
		"empty key":    {"format": 1, "objects": []any{map[string]any{"kind": "group", "key": ""}}},
		"not a list":   {"format": 1, "objects": "everything"},
	} {
		assert.Error(t, ParseRecord("pk", RecordName("team"), ctx).Err, name)
	}
}

// An outpost the stack creates with its providers made their attachments
// too: they are recorded as created, not adopted.
func TestWriteAheadMarksAttachmentsOfACreatedOutpostCreated(t *testing.T) {
	t.Parallel()
	p := &Plan{Ownership: &Ownership{Stack: "team"}, Changes: []Change{
		{Kind: KindOutpost, Key: "ldap", Action: Create, Spec: &OutpostSpec{AddProviders: []string{"directory"}}},
		{Kind: KindOutpost, Key: "proxy", Action: Update, Spec: &OutpostSpec{AddProviders: []string{"web"}}},
	}}
	got := map[string]bool{}
	for _, o := range WriteAhead(p) {
		got[o.String()] = o.Created
	}
	assert.Len(t, got, 3)
	for line, created := range got {
		assert.True(t, created, line)
	}
}

// Finding 7 of issue 25: prune deletes a created object only while it is
// the one the stack created (pk and key); one remade by hand under the
// same key is released, never deleted. RecordAfter records the pk.
func TestPruneOnlyTheObjectTheStackCreated(t *testing.T) {
	owned := func(groupPK string) []Owned {
		return append(chatOwned(), Owned{Kind: KindGroup, Key: "wiki-editors", Created: true, PK: groupPK})
	}
	l := convergedLive()
	l.Put(KindGroup, GroupObjects(Group{PK: groupWiki, Name: "wiki-editors"})...)

	p, err := Compute(load(t, teamManifest), withRecords(l, StackRecord{PK: "r1", Stack: "team", Objects: owned(groupWiki)}))
	require.NoError(t, err)
	assert.Contains(t, changeLines(p), "delete group wiki-editors [no longer in the manifest]", "the one it created")

	p, err = Compute(load(t, teamManifest), withRecords(l, StackRecord{PK: "r1", Stack: "team", Objects: owned("an-older-pk")}))
	require.NoError(t, err)
	assert.Empty(t, changeLines(p), "remade by hand")
	require.Len(t, p.Ownership.Release, 1)
	assert.Contains(t, p.Ownership.Release[0].Reason, "made outside provision, so it is left in authentik")

	rec := RecordAfter(load(t, teamManifest), convergedLive(), chatOwned())
	for _, o := range rec {
		if o.Kind == KindGroup {
			assert.Equal(t, groupUsers, o.PK, "the pk of the group it created")
		}
	}
}
