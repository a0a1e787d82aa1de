export { type Backbone } from './backbone.js';
export { smallCnn, type SmallCnnOptions } from './small-cnn.js';
export { smallResNet, type SmallResNetOptions } from './small-resnet.js';
export { mlpBackbone, type MlpBackboneOptions } from './mlp-backbone.js';
export { withHead, type DenseHeadOptions } from './with-head.js';
export { FiLM, filmLayers } from '../params/film-layer.js';
