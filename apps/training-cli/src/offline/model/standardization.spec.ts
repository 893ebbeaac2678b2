import { designMatrix, fitScaling, foldScaling, toFloat32 } from './standardization';

// Three rows of two features, row-major.
const x = Float64Array.of(1, 10, 3, 10, 5, 10);
const allRows = Uint32Array.of(0, 1, 2);

describe(fitScaling.name, () => {
  it('takes the mean and population sd of the given rows, and 1 for a constant feature', () => {
    const sut = fitScaling(x, 2, allRows);
    expect(Array.from(sut.mean)).toEqual([3, 10]);
    expect(Array.from(sut.std)).toEqual([Math.sqrt(8 / 3), 1]);
  });

  it('uses only the rows it is given', () => {
    const sut = fitScaling(x, 2, Uint32Array.of(0, 1));
    expect(Array.from(sut.mean)).toEqual([2, 10]);
  });
});

describe(designMatrix.name, () => {
  it('standardises the rows and appends the intercept column', () => {
    const scaling = { mean: Float64Array.of(3, 10), std: Float64Array.of(2, 1) };
    const sut = designMatrix(x, 2, Uint32Array.of(2, 0), scaling);
    expect(Array.from(sut)).toEqual([1, 0, 1, -1, 0, 1]);
  });
});

describe(foldScaling.name, () => {
  it('gives raw weights that score raw features exactly as the standardised model scores z', () => {
    const scaling = { mean: Float64Array.of(3, 10), std: Float64Array.of(2, 4) };
    const standardised = Float64Array.of(0.5, -1.5, 0.25);
    const sut = foldScaling(standardised, scaling);

    const raw = [7, 2];
    const z = raw.map((v, j) => (v - scaling.mean[j]) / scaling.std[j]);
    const viaZ = standardised[0] * z[0] + standardised[1] * z[1] + standardised[2];
    const viaRaw = sut.weights[0] * raw[0] + sut.weights[1] * raw[1] + sut.bias;
    expect(viaRaw).toBeCloseTo(viaZ, 12);
  });
});

describe(toFloat32.name, () => {
  it('rounds weights and bias to what a float32 layer stores', () => {
    const sut = toFloat32({ weights: Float64Array.of(0.1), bias: 0.2 });
    expect(sut.weights[0]).toBe(Math.fround(0.1));
    expect(sut.bias).toBe(Math.fround(0.2));
  });
});
