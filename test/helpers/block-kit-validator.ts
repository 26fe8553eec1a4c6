// The validator lives with the console (it shows violations there); tests keep importing it from here.
export * from '../../src/devkit/console/block-kit-validator.js';
