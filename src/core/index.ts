// The server core's public surface, with sc3nb's names in camelCase. Plain Node: never vscode.
//
//   osc/       OSC types, encoder, strict decoder, time tags, the UDP connection and reply matching
//   scsynth/   scsynth's command builders, ServerOptions -> argv, status parsing, its process, finding it
//   process/   child processes (ready lines, stop by pid), line splitting, executable search
//   server/    SCServer and its collaborators (StatusPoller, VolumeControl, NodeSync, TreeQueries),
//              the node model, id allocators, tree parsing, view update batching
//   sclang/    the SCLang process and finding it
//   meters/    level meters, the scope's signal over OSC, its spectrum
//   recording/ recording to a sound file, WAV/AIFF headers
//   language/  the class library index (from sclang, cached), code context, outline
//   editor/    code blocks: what an evaluation sends

export { SCServer } from './server/scServer';
export { Bundler } from './server/bundler';
export { BootCancelledError, ClientIdError, PortInUseError, ServerNotRunningError } from './server/serverErrors';
export { BootError } from './scsynth/scsynthProcess';
export type { ProcessExit, ProcessLine } from './scsynth/scsynthProcess';
export type { BootOptions, SCServerSettings, ServerState, StateChange } from './server/scServer';
export { ServerOptions, InvalidServerOptionError } from './scsynth/serverOptions';
export type { ServerOptionsInit, ServerProgram } from './scsynth/serverOptions';
export type { ServerStatus, ServerVersion } from './scsynth/serverStatus';
export * as cmd from './scsynth/scsynthCommands';
export { ScsynthNotFoundError, findScsynth } from './scsynth/scsynthLocator';
export { IDBlockAllocator, NodeIdAllocator, AllocationError, defaultGroupIdOf, clientIdOfNode, highestNodeIdsByClient } from './server/idAllocators';
export { NodeWatcher } from './server/nodeWatcher';
export type { LiveNode, NodeChange } from './server/nodeWatcher';
export { NodeChangeBatcher } from './server/nodeChangeBatcher';
export type { NodeTreeUpdate } from './server/nodeChangeBatcher';
export { formatTree, parseQueryTreeReply } from './server/nodeTree';
export type { ControlValue, GroupNode, TreeNode } from './server/nodeTree';
export { OscConnection, OscTimeoutError, ServerFailError, ConnectionClosedError, HostResolutionError } from './osc/oscConnection';
export { SCLang, SclangError } from './sclang/sclang';
export type { EvaluationResult, SCLangOptions, SclangState } from './sclang/sclang';
export { SclangNotFoundError, findSclang } from './sclang/sclangLocator';
export { PlayerStatePoller, PLAYER_STATE_QUERY, parsePlayerState, playerExpression, findPlayer, sclangSymbol, EMPTY_PLAYER_STATE } from './sclang/playerState';
export type { PlayerState, PlayerEntry, ProxyState, PatternPlayerState } from './sclang/playerState';
export { findPlayerReferences } from './sclang/playerReferences';
export type { PlayerReference } from './sclang/playerReferences';
export { findEnclosingBlock, lineAt, topLevelBlocks } from './editor/codeBlocks';
export type { Disposable, Event, Logger } from './events';
export { LevelMeters, ampToDb, describeLevel } from './meters/levelMeters';
export type { ChannelLevel } from './meters/levelMeters';
export { ScopeTap } from './meters/scopeTap';
export type { ScopeRead, ScopeSettings } from './meters/scopeTap';
export { spectrum, peakFrequency } from './meters/spectrum';
export { Recorder } from './recording/recorder';
export type { RecorderState, RecordingOptions } from './recording/recorder';
export { readSoundFileInfo, repairSoundFileHeader, SoundFileError } from './recording/soundFileHeader';
export { ClassIndex, ClassIndexError, parseClassIndex, formatSignature } from './language/classIndex';
export type { ClassInfo, MethodInfo, HelpDocument } from './language/classIndex';
export { introspectClassLibrary } from './language/introspection';
export { introspectAndCache, loadIndex, saveIndex } from './language/indexCache';
export { completionContext, signatureContext } from './language/codeContext';
export { scdOutline, scOutline } from './language/outline';
