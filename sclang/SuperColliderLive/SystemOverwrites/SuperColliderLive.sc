// Compiled only by SuperCollider Live's own sclang (its language config adds this folder to
// yours): sclang's GUI calls open the editor's views instead of Qt windows, which this sclang
// cannot show, and leave no synth of their own on the server. The editor reads the
// <<sclive:gui:...>> lines and does not post them.
SCLiveGui {
	// Values one plot sends at most (its channels share them, 2,000 a channel at most): at up to
	// 12 characters a value, its line stays under the 100,000 characters the editor reads of one.
	classvar <maxPoints = 6000;

	*tell { |kind, fields = ""|
		"<<sclive:gui:{\"kind\":%%}>>".format(this.jsonString(kind), fields).postln;
	}

	*jsonString { |value|
		^"\"" ++ value.asString.replace("\\", "\\\\").replace("\"", "\\\"")
			.replace("\n", " ").replace("\t", " ").replace(">>", "> >") ++ "\""
	}

	*jsonNumber { |value|
		value = value.asFloat;
		^if(value.isNaN or: { value.abs == inf }) { "null" } { value.asStringPrec(6) }
	}

	// At most `points` values: a long signal is shown by each stretch's lowest and highest value.
	*reduce { |values, points|
		var buckets, size = values.size;
		if(size <= points) { ^values };
		buckets = (points / 2).asInteger;
		^Array.fill(buckets, { |i|
			var stretch = values.copyRange((i * size / buckets).asInteger, ((i + 1) * size / buckets).asInteger - 1);
			var low = stretch.minIndex, high = stretch.maxIndex;
			if(low < high) { [stretch[low], stretch[high]] } { [stretch[high], stretch[low]] }
		}).flatten
	}

	// channels: an array of arrays of numbers; domain: [start, end, units] of the x axis or nil.
	*plot { |name, channels, domain, minval, maxval|
		var points = (maxPoints / channels.size.max(1)).asInteger.clip(2, 2000);
		var fields = ",\"name\":%,\"channels\":[%]".format(
			this.jsonString(name ? "Plot"),
			channels.collect { |values|
				var numbers = values.asArray.flat;
				"{\"size\":%,\"values\":[%]}".format(numbers.size,
					this.reduce(numbers, points).collect { |x| this.jsonNumber(x) }.join(","))
			}.join(",")
		);
		domain !? { fields = fields ++ ",\"domain\":[%,%,%]".format(this.jsonNumber(domain[0]), this.jsonNumber(domain[1]), this.jsonString(domain[2] ? "")) };
		minval !? { fields = fields ++ ",\"min\":%".format(this.jsonNumber(minval)) };
		maxval !? { fields = fields ++ ",\"max\":%".format(this.jsonNumber(maxval)) };
		this.tell(\plot, fields);
		^SCLiveShown("Plot")
	}

	*channelsOf { |array|
		array = array.as(Array);
		if(array.isEmpty) { ^[[]] };
		if(array.any { |x| x.isSequenceableCollection or: { x.isKindOf(Env) } }.not) { array = [array] };
		^array.collect { |elem, i|
			if(elem.isKindOf(Env)) { elem.asSignal.as(Array) } {
				elem = elem.asArray.flat;
				elem.do { |x, j| if(x.isNumber.not) { Error("Cannot plot array: non-numeric value at index %".format(j)).throw } };
				elem
			}
		}
	}

	*notRunning { |server, what|
		"% renders on the server, which is not running: boot it, then evaluate again.".format(what).postln;
		"server '%' not running.".format(server.name).postln;
	}
}

// What s.scope, s.meter, .plot ... return here: the view is the editor's, so what code does next
// with the window it expected (window.name_, plotMode_, onClose_ ...) changes nothing and fails not.
SCLiveShown {
	var <what;
	*new { |what| ^super.newCopyArgs(what) }
	doesNotUnderstand { ^this }
	printOn { |stream| stream << "a " << what << " (shown in the editor)" }
}

+ Server {
	scope { |numChannels, index = 0, bufsize = 4096, zoom = 1, rate = \audio|
		if(rate != \audio) {
			"The editor's Scope shows audio buses; control bus % is not shown.".format(index).postln;
			^nil
		};
		SCLiveGui.tell(\scope, ",\"mode\":\"wave\",\"bus\":%,\"channels\":%".format(index.asInteger, (numChannels ? 2).asInteger));
		^SCLiveShown("Scope")
	}
	freqscope {
		^FreqScope.new(server: this)
	}
	meter { |numIns, numOuts|
		SCLiveGui.tell(\meter);
		^SCLiveShown("Meter")
	}
	plotTree { |interval = 0.5|
		SCLiveGui.tell(\nodeTree);
	}
}

+ Stethoscope {
	*new { |server, numChannels = 2, index = 0, bufsize = 4096, zoom = 1.0, rate = \audio, view, bufnum|
		^(server ? Server.default).scope(numChannels, index, bufsize, zoom, rate)
	}
}

+ FreqScope {
	*new { |width = 522, height = 300, busNum = 0, scopeColor, bgColor, server|
		SCLiveGui.tell(\scope, ",\"mode\":\"spectrum\",\"bus\":%".format(busNum.asInteger));
		^SCLiveShown("FreqScope")
	}
}

+ ServerMeter {
	*new { |server, numIns, numOuts|
		^(server ? Server.default).meter
	}
}

+ ProxyMixer {
	*new { |obj, numItems = 16, parent, bounds, makeSkip = true, options|
		// NdefMixer(s) and ProxyMixer(space) open the editor's Proxies view (it lists them all).
		SCLiveGui.tell(\proxies);
		^SCLiveShown("Proxies view")
	}
}

+ ArrayedCollection {
	plot { |name, bounds, discrete = false, numChannels, minval, maxval, separately = true|
		var array = this.as(Array);
		numChannels !? { array = array.unlace(numChannels) };
		^SCLiveGui.plot(name, SCLiveGui.channelsOf(array), nil, minval, maxval)
	}
}

+ Env {
	plot { |size = 400, bounds, minval, maxval, name|
		^SCLiveGui.plot(name ? "Envelope", this.asMultichannelSignal(size).collect(_.as(Array)),
			[0, this.duration.asArray.maxItem, "s"], minval, maxval)
	}
}

+ Function {
	plot { |duration = 0.01, target, bounds, minval, maxval, separately = false|
		var server, name = this.asCompileString, action;
		if(name.size > 50 or: { name.includes(Char.nl) }) { name = "Function" };
		target = target.asTarget;
		server = target.server;
		if(server.serverRunning.not) { SCLiveGui.notRunning(server, "{ }.plot"); ^nil };
		action = { |array, buf| SCLiveGui.plot(name, array.unlace(buf.numChannels), [0, duration, "s"], minval, maxval) };
		// The synth that renders the function ends by itself after `duration`.
		if(server.isLocal) { this.loadToFloatArray(duration, target, action: action) } { this.getToFloatArray(duration, target, action: action) };
		^SCLiveShown("Plot")
	}
}

+ Buffer {
	plot { |name, bounds, minval, maxval, separately = false|
		var action;
		if(server.serverRunning.not) { SCLiveGui.notRunning(server, "Buffer:plot"); ^nil };
		if(numFrames.isNil) { "Buffer not allocated, can't plot data".warn; ^nil };
		name = name ? "Buffer plot (bufnum: %)".format(bufnum);
		action = { |array, buf| SCLiveGui.plot(name, array.unlace(buf.numChannels), [0, buf.numFrames, if(buf.numChannels == 1) { "samples" } { "frames" }], minval, maxval) };
		if(server.isLocal) { this.loadToFloatArray(action: action) } { this.getToFloatArray(action: action) };
		^SCLiveShown("Plot")
	}
}

+ LanguageConfig {
	// Quarks.install / uninstall store the config they changed: here that is the editor's copy,
	// made afresh from the musician's own at each start, so the change goes to their file
	// (without this folder), where it lasts and their sclang outside the editor sees it too.
	*store { |file|
		var folder = PathName(SCLiveGui.filenameSymbol.asString).pathOnly.withoutTrailingSlash.dirname;
		if(file.notNil and: { this.currentPath.notNil and: { file.standardizePath == this.currentPath.standardizePath } }) {
			this.removeIncludePath(folder);
			protect { this.prSCLiveStore(Platform.userConfigDir +/+ "sclang_conf.yaml") } { this.addIncludePath(folder) };
		} {
			this.prSCLiveStore(file)
		}
	}
	*prSCLiveStore { |file|
		_LanguageConfig_writeConfigFile
		^MethodError("Could not write to file %".format(file.asCompileString), this).throw
	}
}
