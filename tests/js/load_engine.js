// Load tourlib's engine modules (in the order given, as a page does) and return one object with
// their functions, for the Node tests: require('./load_engine.js')([paths...]).
module.exports = function load(files) {
  for (const f of files) require(f);
  const tl = globalThis.tourlib;
  return Object.assign({}, tl.rng, tl.linalg, tl.manipulate, {
    GrandTour: tl.paths.GrandTour, PATHS: tl.paths.RANDOM, paths: tl.paths, geodesic: tl.geodesic, tourlib: tl,
  });
};
