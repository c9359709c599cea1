// The server core's public surface, with sc3nb's names in camelCase. Plain Node: never vscode.
// src/extension imports the core only from here (a lint rule holds it); tests may reach inside.
// Named exports grouped by folder, not `export *`: the list is the contract, and reading it tells
// what the extension uses.
//
//   osc/       OSC types, encoder, strict decoder, time tags, the UDP connection and reply matching
//   scsynth/   scsynth's command builders, ServerOptions -> argv, status parsing, its process, finding it
//   process/   child processes (ready lines, stop by pid), line splitting, executable search
//   server/    SCServer and its collaborators (StatusPoller, VolumeControl, NodeSync, TreeQueries),
//              the node model, id allocators, tree parsing, view update batching, node labels
//   sclang/    the SCLang process and finding it, its errors, GUI requests, the post window's lines
//   meters/    level meters, the scope's signal over OSC, its spectrum
//   recording/ recording to a sound file, WAV/AIFF headers, take files and their timelines
//   language/  the class library index (from sclang, cached), code context, outline, help pages
//   editor/    code blocks: what an evaluation sends; folding, selection ranges, masking

// events: vscode-shaped Disposable/Event for vscode-free code
export { DisposableStore, Emitter } from './events';
export type { Disposable, Event, Logger } from './events';

// osc
export { OscConnection, OscTimeoutError, ServerFailError, ConnectionClosedError, HostResolutionError } from './osc/oscConnection';

// scsynth
export * as cmd from './scsynth/scsynthCommands';
export { BootError } from './scsynth/scsynthProcess';
export type { ProcessExit, ProcessLine } from './scsynth/scsynthProcess';
export { KEPT_SYNTH_TREE_CONTEXT } from './server/keptSynths';
export type { KeptSynthRow, KeptSynths } from './server/keptSynths';
export { ServerOptions, InvalidServerOptionError } from './scsynth/serverOptions';
export type { ServerOptionsInit, ServerProgram } from './scsynth/serverOptions';
export type { ServerStatus, ServerVersion } from './scsynth/serverStatus';
export { ScsynthNotFoundError, findScsynth } from './scsynth/scsynthLocator';

// server
export { SCServer } from './server/scServer';
export type { BootOptions, RemoteOptions, SCServerSettings, ServerState, StateChange } from './server/scServer';
export { Bundler } from './server/bundler';
export { BootCancelledError, ClientIdError, PortInUseError, ServerNotRunningError } from './server/serverErrors';
export { IDBlockAllocator, NodeIdAllocator, AllocationError, defaultGroupIdOf, clientIdOfNode, highestNodeIdsByClient } from './server/idAllocators';
export { NodeWatcher } from './server/nodeWatcher';
export type { LiveNode, NodeChange } from './server/nodeWatcher';
export { NodeChangeBatcher, TreeChangeSpacer } from './server/nodeChangeBatcher';
export type { NodeTreeUpdate } from './server/nodeChangeBatcher';
export { formatTree, formatControlValue, parseQueryTreeReply } from './server/nodeTree';
export type { ControlValue, GroupNode, TreeNode } from './server/nodeTree';
export { DEF_NAME_HOLD_MS, PROXY_GROUPS_QUERY, isRowHeld, isTemporaryDefName, nodeLabel, parseNodePlayer, parseProxyGroups } from './server/nodeLabels';
export { MAX_VOLUME_DB, MIN_VOLUME_DB } from './server/volume';
export { parseHostPort, validateHostPort } from './server/hostPort';
export { DEFAULT_SERVER_NAME, INHERITED_FIELDS, SERVER_LIST_NAME, ServerListError, parseServerList } from './server/serverList';
export type { LocalServerEntry, RemoteServerEntry, ServerEntry } from './server/serverList';
export { DeclaredServer, ServerSet, isUp } from './server/serverSet';
export type { ServerSetChange, ServerSlot, SlotResult } from './server/serverSet';

// sclang
export { SCLang, SclangError } from './sclang/sclang';
export type { EvaluationResult, SCLangOptions, SclangState } from './sclang/sclang';
export { SclangNotFoundError, findSclang } from './sclang/sclangLocator';
export { SclangErrorStream, findSingleCall, parseSclangErrors } from './sclang/sclangErrors';
export type { SclangErrorReport } from './sclang/sclangErrors';
export { NoDisplayLines, describePlot, parseGuiRequest, plotRange } from './sclang/guiRequest';
export type { GuiRequest } from './sclang/guiRequest';
export { withOwnKeys } from './sclang/welcomeLine';
export { writeEditorLanguageConfig } from './sclang/languageConfig';
export { PlayerStatePoller, PLAYER_STATE_QUERY, parsePlayerState, playerExpression, findPlayer, sclangSymbol, EMPTY_PLAYER_STATE } from './sclang/playerState';
export type { PlayerState, PlayerEntry, ProxyState, PatternPlayerState } from './sclang/playerState';
export { findPlayerReferences } from './sclang/playerReferences';
export type { PlayerReference } from './sclang/playerReferences';
export { SoundingBlocks, marksByFile } from './sclang/soundingBlocks';
export type { SoundingMark } from './sclang/soundingBlocks';

// meters
export { LevelMeters, METER_FLOOR_DB, METER_REPLY, ampToDb, describeLevel, formatLevel } from './meters/levelMeters';
export type { ChannelLevel } from './meters/levelMeters';
export { ProxyLevels } from './meters/proxyLevels';
export type { ProxyLevel, ProxyMeterTarget } from './meters/proxyLevels';
export { ScopeTap } from './meters/scopeTap';
export type { ScopeRead, ScopeSettings } from './meters/scopeTap';
export { spectrum, peakFrequency } from './meters/spectrum';

// recording
export { Recorder, MAX_RECORDING_CHANNELS } from './recording/recorder';
export type { RecorderChange, RecorderState, RecordingOptions } from './recording/recorder';
export { readSoundFileInfo, repairSoundFileHeader, SoundFileError } from './recording/soundFileHeader';
export { RecordingFolderError, resolveRecordingFolder } from './recording/recordingFolder';
export { takeTimestamp } from './recording/takeFiles';
export { TimelineWriter, errorTextOf, formatTakeTime, listTimelines, parseTimelineJson, timelineScore } from './recording/timeline';
export type { Timeline } from './recording/timeline';

// language
export { ClassIndex, ClassIndexError, parseClassIndex, formatSignature } from './language/classIndex';
export type { ClassInfo, MethodInfo, HelpDocument } from './language/classIndex';
export { introspectClassLibrary } from './language/introspection';
export { introspectAndCache, loadIndex, saveIndex } from './language/indexCache';
export { completionContext, signatureContext } from './language/codeContext';
export type { CallContext } from './language/codeContext';
export { EVENT_KEYS, musicCompletion, receiverWithVariables, synthDefControls } from './language/musicContext';
export type { MusicCompletion, SynthControl } from './language/musicContext';
export { scdOutline, scOutline } from './language/outline';
export type { OutlineKind, OutlineSymbol } from './language/outline';
export { findReferences } from './language/references';
export { SYNTH_DESC_QUERY, parseSynthDescs } from './language/synthDescs';
export { HelpRenderer } from './language/helpRenderer';
export type { HelpPage } from './language/helpRenderer';
export { prepareHelpHtml } from './language/helpHtml';

// editor
export { evaluationRange, findEnclosingBlock, lineAt, topLevelBlocks } from './editor/codeBlocks';
export type { TextRange } from './editor/codeBlocks';
export { maskCode } from './editor/codeMask';
export { lineStarts, positionAt } from './editor/lineStarts';
export { foldingRanges } from './editor/foldingRanges';
export type { FoldKind } from './editor/foldingRanges';
export { selectionRanges } from './editor/selectionRanges';
